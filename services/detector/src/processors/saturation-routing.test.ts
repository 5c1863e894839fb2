// Saturation samples routed from the metrics processor to the spans processor's verifier
// (ProcessorContext.saturation, as pipeline.ts wires it): OTLP bytes in, verdict records out.
// The read order of the two topics and a snapshot in the middle do not change the verdicts.
import { describe, expect, test } from 'vitest';
import { parseConfig } from '@vigil/config';
import type { OutRecord } from '@vigil/bus';
import { decodeRecord } from '@vigil/records';
import type { VerdictRecord } from '@vigil/records';
import { Mulberry32 } from '@vigil/stats';
import { createProcessor } from './processors.js';
import { podCpu as cpu, paymentsSpans as spans } from './saturation.test-util.js';
import type { PartitionProcessor, ProcessorContext } from './processors.js';

const T0 = 1_790_000_400_000;

type Input = { topic: 'spans' | 'metrics'; minute: number; value: Uint8Array };

/** v1 for 20 minutes (CPU ~1 core), then v2 for 10 (clean spans, CPU ~`factor` cores); one CPU sample per 10 s. */
function inputs(factor: number): Input[] {
  const rng = new Mulberry32(2112);
  const out: Input[] = [];
  for (let s = 0; s < 30 * 60; s++) {
    const version = s < 20 * 60 ? 'v1' : 'v2';
    const ms = T0 + s * 1000;
    out.push({ topic: 'spans', minute: Math.floor(s / 60), value: spans(rng, version, ms) });
    if (s % 10 === 9) out.push({ topic: 'metrics', minute: Math.floor(s / 60), value: cpu(version, ms + 999, (version === 'v2' ? factor : 1) * (1 + 0.05 * rng.nextGaussian())) });
  }
  return out;
}

const config = parseConfig({});

/**
 * Run the inputs through a spans and a metrics processor wired as pipeline.ts wires them. `order`:
 * as produced, or each minute's metrics read before its spans, or as produced with both processors
 * restored from their snapshots halfway through v2. `route`: hand samples to the verifier or not.
 */
function run(all: Input[], order: 'time' | 'metrics-ahead' | 'snapshot', route = true): VerdictRecord[] {
  const verdicts: VerdictRecord[] = [];
  const collect = (outs: OutRecord[] | null) => {
    for (const r of outs ?? []) if (r.topic === config.topics.verdicts) verdicts.push(decodeRecord(r.value, 'vigil.verdict/1'));
  };
  let sp: PartitionProcessor;
  const ctx: ProcessorContext = { detector: config.detector, topics: config.topics, ...(route ? { saturation: (s) => collect(sp.observeSaturation!(s)) } : {}) };
  sp = createProcessor('spans', ctx);
  let mp = createProcessor('metrics', ctx);
  // Metrics ahead: from minute 1 on (a sample of a service whose spans this detector has not seen
  // yet has no verifier to go to and is dropped: the history starts with the service's first span).
  const ahead = (r: Input) => (r.minute === 0 ? -1 : r.minute);
  const seq = order === 'metrics-ahead' ? [...all].sort((a, b) => ahead(a) - ahead(b) || (a.minute === 0 || a.topic === b.topic ? 0 : a.topic === 'metrics' ? -1 : 1)) : all;
  seq.forEach((r, i) => {
    if (order === 'snapshot' && i === Math.floor(seq.length * 0.7)) {
      const [s, m] = [JSON.parse(JSON.stringify(sp.toJSON())) as unknown, JSON.parse(JSON.stringify(mp.toJSON())) as unknown];
      sp = createProcessor('spans', ctx, s);
      mp = createProcessor('metrics', ctx, m);
    }
    collect((r.topic === 'spans' ? sp : mp).process(r.value));
  });
  return verdicts.filter((v) => v.version === 'v2');
}

describe('saturation routing: metrics processor → spans processor verifier', () => {
  const regressed = inputs(2);

  test('CPU ×2 of v2 with clean spans: the verdict fails naming CPU and its metric', () => {
    const v = run(regressed, 'time');
    expect(v.map((x) => x.status)).toEqual(['running', 'fail']);
    // The running verdict already lists the CPU test, with the baseline it will be compared with.
    expect(v[0].evidence.find((e) => e.check === 'cpu_p95_exceedance')?.detail).toMatch(/^k8s\.pod\.cpu\.usage: no candidate sample yet against 1[12]\d baseline samples; 0\/0/);
    expect(v[1].summary).toMatch(/^v2 regressed against v1 .*: cpu ×(1\.[89]\d*|2(\.\d+)?) \(k8s\.pod\.cpu\.usage, cpu_p95_exceedance\)$/);
    const ev = v[1].evidence.find((e) => e.check === 'cpu_p95_exceedance');
    expect(ev?.decided).toBe('fail');
    expect(ev?.baseline).toBeGreaterThan(0.9);
    expect(ev?.baseline).toBeLessThan(1.1);
    // Only the CPU test failed; the baseline counts it among the tests.
    expect(v[1].evidence.filter((e) => e.decided === 'fail').map((e) => e.check)).toEqual(['cpu_p95_exceedance']);
    expect(v[1].baseline?.tests).toBe(v[1].evidence.length);
  });

  test('the same verdicts whether metrics are read ahead of the spans or a snapshot restores both processors', () => {
    const a = run(regressed, 'time');
    expect(run(regressed, 'metrics-ahead')).toEqual(a);
    expect(run(regressed, 'snapshot')).toEqual(a);
  });

  test('without the route (or with clean CPU) the same spans pass', () => {
    expect(run(regressed, 'time', false).map((x) => x.status)).toEqual(['running', 'pass']);
    const clean = run(inputs(1), 'time');
    expect(clean.map((x) => x.status)).toEqual(['running', 'pass']);
    expect(clean[1].evidence.find((e) => e.check === 'cpu_p95_exceedance')?.decided).toBe('pass');
  });
});
