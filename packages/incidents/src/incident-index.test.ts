import { describe, expect, it } from 'vitest';
import type { Fingerprint } from './fingerprint.js';
import { IncidentIndex } from './incident-index.js';
import { mulberry32, pick } from './rng.js';
import type { Rng } from './rng.js';
import type { PastIncident } from './types.js';

const SERVICES = ['checkout', 'payments', 'cart', 'search', 'auth'];
const OPS = ['GET /', 'POST /pay', 'GET /cart', 'POST /login', ''];
const METRICS = ['latency_p99', 'error_ratio', 'rate', 'latency_p50'];
const TEMPLATES = Array.from({ length: 30 }, (_, i) => `template number ${i} <*>`);
const CHANGES = ['none', 'config', 'patch', 'minor', 'rollback'] as const;
const VERDICTS = ['none', 'fail', 'pass'] as const;

function randomFp(rng: Rng): Fingerprint {
  const n = Math.floor(rng() * 4);
  const m = 1 + Math.floor(rng() * 3);
  return {
    service: pick(rng, SERVICES), signal: pick(rng, ['traces', 'metrics', 'logs']), metric: pick(rng, [...METRICS, '']), operation: pick(rng, OPS),
    templates: [...new Set(Array.from({ length: n }, () => pick(rng, TEMPLATES)))].sort(),
    deviations: [...new Set(Array.from({ length: m }, () => `${pick(rng, METRICS)}:${rng() < 0.8 ? 'up' : 'down'}`))].sort(),
    deployChange: pick(rng, CHANGES), verdict: pick(rng, VERDICTS),
  };
}

function incident(i: number, fp: Fingerprint, resolvedAtMs = 1000 + (i % 50)): PastIncident {
  return { id: `inc-${i}`, alertId: `al-${i % 97}`, service: fp.service, title: `incident ${i}`, startedAtMs: resolvedAtMs - 10, resolvedAtMs, fingerprint: fp };
}

const strip = (xs: ReturnType<IncidentIndex['query']>) => xs.map((x) => [x.incidentId, x.score, x.why.join('|')]);

describe('IncidentIndex', () => {
  it('returns exactly what brute force returns (ids, scores, order, reasons), also after removals', () => {
    const rng = mulberry32(7);
    const index = new IncidentIndex();
    for (let i = 0; i < 3000; i++) index.add(incident(i, randomFp(rng)));
    for (let i = 0; i < 3000; i += 7) index.remove(`inc-${i}`);
    let nonEmpty = 0;
    for (let q = 0; q < 300; q++) {
      const fp = randomFp(rng);
      for (const opts of [{}, { k: 10, minScore: 0.05 }, { k: 1, minScore: 0.5 }]) {
        const got = index.query(fp, opts);
        expect(strip(got)).toEqual(strip(index.bruteForce(fp, opts)));
        if (got.length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(300);
    expect(index.size).toBe(3000 - Math.ceil(3000 / 7));
  });

  it('ranks the closest first and explains it', () => {
    const index = new IncidentIndex();
    const pool: Fingerprint = { service: 'checkout', signal: 'traces', metric: 'latency_p99', operation: 'POST /pay', templates: ['connection pool timeout after <*> ms'], deviations: ['latency_p99:up'], deployChange: 'none', verdict: 'none' };
    const other: Fingerprint = { ...pool, templates: ['oomkilled <*>'], operation: 'GET /', deviations: ['rate:down'] };
    index.add(incident(1, pool));
    index.add(incident(2, other));
    const got = index.query({ ...pool, templates: [...pool.templates, 'retrying <*>'] }, { k: 2, minScore: 0.01 });
    expect(got.map((x) => x.incidentId)).toEqual(['inc-1', 'inc-2']);
    // 0.35·1/2 + 0.2 + 0.15 + 0.1 + 0.1 = 0.725
    expect(got[0].score).toBe(0.725);
    expect(got[0].why[0]).toBe('+0.20 deviating metrics 1/1 shared: latency_p99:up');
    expect(got[0].why).toContain('+0.17 log templates 1/2 shared: "connection pool timeout after <*> ms"');
    // inc-2: metric + service only → 0.2
    expect(got[1].score).toBe(0.2);
  });

  it('evicts the oldest added beyond maxIncidents, round-trips through JSON, honours exclude', () => {
    const rng = mulberry32(3);
    const index = new IncidentIndex({ maxIncidents: 100 });
    const evicted: string[] = [];
    for (let i = 0; i < 150; i++) evicted.push(...index.add(incident(i, randomFp(rng))));
    expect(index.size).toBe(100);
    expect(evicted).toEqual(Array.from({ length: 50 }, (_, i) => `inc-${i}`));
    index.add({ ...index.get('inc-60')!, title: 'replaced' }); // re-adding moves it to the back
    index.add(incident(150, randomFp(rng)));
    expect(index.has('inc-60')).toBe(true);
    expect(index.has('inc-61')).toBe(true);
    expect(index.has('inc-50')).toBe(false);
    const copy = IncidentIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())) as ReturnType<typeof index.toJSON>, { maxIncidents: 100 });
    for (let q = 0; q < 50; q++) {
      const fp = randomFp(rng);
      expect(strip(copy.query(fp, { k: 5, minScore: 0.05 }))).toEqual(strip(index.query(fp, { k: 5, minScore: 0.05 })));
      const ex = index.query(fp, { k: 5, minScore: 0.05, exclude: (x) => x.service === fp.service });
      expect(ex.every((x) => x.service !== fp.service)).toBe(true);
    }
  });
});
