import { describe, expect, test } from 'vitest';
import { parseConfig } from './load.js';
import { TOPIC_KEYS, TOPICS, topicDefinitions, writerTopics } from './topics.js';

describe('topic catalogue', () => {
  test('the topics section has exactly one name key per catalogue entry, defaulting to its name', () => {
    const t = parseConfig({}).topics;
    const { partitions, ...names } = t;
    expect(partitions).toBe(6);
    expect(Object.keys(names).sort()).toEqual([...TOPIC_KEYS].sort());
    for (const k of TOPIC_KEYS) expect(names[k]).toBe(TOPICS[k].name);
    expect(new Set(Object.values(names)).size).toBe(TOPIC_KEYS.length);
  });

  test('topicDefinitions: configured names, topics.partitions, compaction from the catalogue', () => {
    const config = parseConfig({ topics: { alerterState: 'x-state', partitions: 3 } });
    const defs = topicDefinitions(config);
    expect(defs).toHaveLength(TOPIC_KEYS.length);
    expect(defs.find((d) => d.topic === 'x-state')).toEqual({ topic: 'x-state', partitions: 3, compacted: true });
    expect(defs.find((d) => d.topic === 'vigil_scores')).toEqual({ topic: 'vigil_scores', partitions: 3 });
    expect(defs.filter((d) => d.compacted).map((d) => d.topic).sort()).toEqual(['vigil_ci_quality', 'vigil_detector_state', 'x-state']);
    expect(topicDefinitions(config, ['incidents', 'feedback'])).toEqual([
      { topic: 'vigil_incidents', partitions: 3 },
      { topic: 'vigil_feedback', partitions: 3 },
    ]);
  });

  test('writerTopics: topics with tables, raw otlp_* only with rawTelemetry, never state or keyed topics', () => {
    const t = parseConfig({ topics: { incidents: 'inc' } }).topics;
    const off = writerTopics(t, false);
    expect(off).toContain('inc');
    expect(off).toContain('vigil_feedback');
    expect(off).toContain('ci_test_runs');
    for (const name of ['otlp_spans', 'vigil_detector_state', 'vigil_alerter_state', 'vigil_keyed_spans']) expect(off).not.toContain(name);
    const on = writerTopics(t, true);
    expect(on.filter((x) => !off.includes(x)).sort()).toEqual(['otlp_logs', 'otlp_metrics', 'otlp_spans']);
  });

  test('every Vigil record topic names the records it carries; state topics are the compacted ones', () => {
    for (const k of TOPIC_KEYS) {
      const spec = TOPICS[k];
      if (spec.records === 'state') expect(spec.compacted).toBe(true);
      if (Array.isArray(spec.records)) expect(spec.records.length).toBeGreaterThan(0);
    }
  });
});
