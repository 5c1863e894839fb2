// Robustness suite: the same events with their variable slots written in other shapes must stay
// one template each. Lines come from seeded generators (eval/slot-shapes.ts), not from files.
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_EVENTS, reshapeLine, seededRandom, syntheticLines } from './eval/slot-shapes.js';
import type { SyntheticLine } from './eval/slot-shapes.js';
import { groupingAccuracy } from './grouping-accuracy.js';
import { TemplateMiner } from './miner.js';

/** Tolerance on GA between the reshaped and the canonical set: 1 % of the lines. */
const TOLERANCE = 0.01;

function mine(lines: readonly SyntheticLine[]): { ga: number; templatesPerEvent: Map<string, Set<string>>; miner: TemplateMiner } {
  const miner = new TemplateMiner();
  const mergedInto = new Map<string, string>();
  const ids = lines.map((l, k) => {
    const r = miner.observe('svc', l.body, undefined, k);
    if (!r.ok) throw new Error('dropped');
    if (r.merged !== undefined) for (const id of r.merged.mergedIds) mergedInto.set(id, r.merged.templateId);
    return r.templateId;
  });
  const resolve = (id: string): string => {
    let cur = id;
    while (mergedInto.has(cur)) cur = mergedInto.get(cur) as string;
    return cur;
  };
  const truth = new Map(lines.map((l, k) => [String(k), l.event]));
  const pred = new Map(ids.map((id, k) => [String(k), resolve(id)]));
  const templatesPerEvent = new Map<string, Set<string>>();
  lines.forEach((l, k) => {
    const s = templatesPerEvent.get(l.event) ?? new Set<string>();
    s.add(resolve(ids[k]));
    templatesPerEvent.set(l.event, s);
  });
  return { ga: groupingAccuracy(truth, pred), templatesPerEvent, miner };
}

describe('robustness: variable slots that change shape', () => {
  for (const seed of [1, 2, 3]) {
    it(`keeps one template per event when every slot changes shape (seed ${seed})`, () => {
      const canonical = mine(syntheticLines(seed, 3000, false));
      const reshaped = mine(syntheticLines(seed, 3000, true));
      expect(canonical.ga).toBe(1);
      expect(reshaped.ga).toBeGreaterThanOrEqual(canonical.ga - TOLERANCE);
      for (const [event, templates] of reshaped.templatesPerEvent) {
        expect({ event, templates: templates.size }).toEqual({ event, templates: 1 });
      }
      // and the events stay apart (GET and POST request lines are different events)
      expect(reshaped.miner.stats().templates).toBe(SYNTHETIC_EVENTS.length);
    });
  }

  const kinds: Array<[string, string[]]> = [
    ['IPs, host names and literals', ['synchronized to 10.0.0.1, stratum 3', 'synchronized to LOCAL(0), stratum 10', 'synchronized to ntp1.example.com, stratum 2', 'synchronized to gateway, stratum 4', 'synchronized to 10.0.0.9:123, stratum 3']],
    ['URLs with and without query strings', ['10.1.1.1 "GET /v2/ab12/servers/detail HTTP/1.1" status: 200', '10.1.1.2 "GET /v2/ab12/servers/detail?changes-since=2017-05-16T17%3A43 HTTP/1.1" status: 200', '10.1.1.3 "GET /v2/cd34/servers?limit=10&marker=x HTTP/1.1" status: 304', '10.1.1.4 "GET /health HTTP/1.1" status: 200']],
    ['paths of different depth', ['cannot open /etc/app.conf for reading', 'cannot open /var/lib/app/data/state.db for reading', 'cannot open conf/app/site.xml for reading', 'cannot open /tmp for reading']],
    ['numbers with units', ['request finished in 12 ms after retry', 'request finished in 12ms after retry', 'request finished in 1.5 s after retry', 'request finished in 300 after retry']],
    ['quoted strings with spaces', ['cache miss for key "alpha" in region eu', 'cache miss for key "alpha beta gamma" in region eu', 'cache miss for key "x y" in region eu', 'cache miss for key "" in region eu']],
    ['JSON fragments', ['publishing event payload={"a":1} to topic orders', 'publishing event payload={"a":1,"b":"x y","c":{"d":true}} to topic orders', 'publishing event payload={} to topic orders']],
    ['key=value lists of varying length', ['scheduling job 7 with labels {env=prod} on queue default', 'scheduling job 8 with labels {env=prod, zone=a, tier=web} on queue default', 'scheduling job 9 with labels {} on queue default']],
    ['a word where a number stands', ['user 42 logged in from 10.0.0.1', 'user admin logged in from 10.0.0.1', 'user 7 logged in from db-primary']],
  ];
  for (const [kind, lines] of kinds) {
    it(`one template for ${kind}`, () => {
      const r = mine(lines.map((body) => ({ event: 'e', body })));
      expect(r.templatesPerEvent.get('e')?.size).toBe(1);
      expect(r.ga).toBe(1);
    });
  }

  it('reshapes the values found through a ground-truth template and keeps the event', () => {
    const rng = seededRandom(7);
    const template = 'Received block blk_<*> of size <*> from /<*>';
    const lines = Array.from({ length: 200 }, (_, k) => `Received block blk_${1000 + k} of size ${k * 512} from /10.0.${k % 7}.${k % 250}`);
    const reshaped = lines.map((l) => reshapeLine(l, template, rng));
    expect(reshaped.filter((l, k) => l !== lines[k]).length).toBeGreaterThan(100);
    // the words around the values are untouched
    for (const l of reshaped) expect(l).toMatch(/^Received block blk_\d+ of size \S+( KB)? from \/\S+$/);
    const r = mine(reshaped.map((body) => ({ event: 'e', body })));
    expect(r.templatesPerEvent.get('e')?.size).toBe(1);
  });

  it('keeps different events apart: optional words and different keys are not slots', () => {
    const lines = [
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1',
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.2  user=root',
      'Failed password for root from 10.0.0.3 port 22 ssh2',
      'Failed password for invalid user admin from 10.0.0.4 port 22 ssh2',
      '10.1.1.1 "GET /v2/a1/servers HTTP/1.1" status: 200',
      '10.1.1.1 "POST /v2/a1/servers HTTP/1.1" status: 202',
    ];
    const r = mine(lines.map((body, k) => ({ event: `e${k}`, body })));
    expect(r.ga).toBe(1);
  });
});
