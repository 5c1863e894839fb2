import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { ConfigError, busOptions, envOverrides, loadConfig, parseConfig } from './index.js';

const EXAMPLE = fileURLToPath(new URL('../../../vigil.example.yaml', import.meta.url));

function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('config', () => {
  test('defaults: embedded bus and chDB, listeners on loopback', () => {
    const c = parseConfig({});
    expect(c.bus.kind).toBe('memory');
    expect(c.store.kind).toBe('chdb');
    expect(c.collector.http.port).toBe(4318);
    expect(c.collector.grpc.port).toBe(4317);
    for (const l of [c.api, c.collector.http, c.collector.grpc, c.detector.api, c.alerter.api, c.writer.api, c.query.api]) expect(l.host).toBe('127.0.0.1');
    expect(Object.isFrozen(c.collector.http)).toBe(true);
  });

  test('query section: the read API where it was (8083), the writer beside it (8084), keys checked', () => {
    const c = parseConfig({});
    expect([c.query.enabled, c.query.api.port, c.writer.api.port, c.query.ci.announceVisibleMs]).toEqual([true, 8083, 8084, 10_000]);
    expect(() => parseConfig({ query: { port: 9000 } })).toThrow(/unknown key "query.port"/);
    expect(() => parseConfig({ query: { ci: { announceVisibleMs: -1 } } })).toThrow(/query\.ci\.announceVisibleMs: .*\(got -1\)/);
    expect(loadConfig({ file: null, env: { VIGIL_QUERY__API__PORT: '9083' } }).query.api.port).toBe(9083);
  });

  test('unknown keys are rejected, naming the key', () => {
    expect(() => parseConfig({ detector: { windowMS: 5000 } })).toThrow(/unknown key "detector.windowMS"/);
  });

  test('errors quote the key and the value', () => {
    try {
      parseConfig({ collector: { http: { port: 'abc' } } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues[0]).toMatch(/collector\.http\.port: .*\(got "abc"\)/);
    }
  });

  test("verification's day of week: on by default in UTC; the zone's offset is whole quarter-hours within UTC-12 to UTC+14", () => {
    const v = parseConfig({}).detector.verification;
    expect([v.dayOfWeek, v.weekOffsetMinutes]).toEqual([true, 0]);
    const set = (weekOffsetMinutes: unknown, dayOfWeek: unknown = true) => parseConfig({ detector: { verification: { dayOfWeek, weekOffsetMinutes } } }).detector.verification;
    expect([set(345, false).dayOfWeek, set(345).weekOffsetMinutes, set(-300).weekOffsetMinutes, set(-720).weekOffsetMinutes, set(840).weekOffsetMinutes]).toEqual([false, 345, -300, -720, 840]);
    expect(() => set(100)).toThrow(/detector\.verification\.weekOffsetMinutes: must be a multiple of 15 minutes .*\(got 100\)/);
    expect(() => set(-735)).toThrow(/detector\.verification\.weekOffsetMinutes: must be at least -720 .*\(got -735\)/);
    expect(() => set(855)).toThrow(/detector\.verification\.weekOffsetMinutes: must be at most 840 .*\(got 855\)/);
    expect(() => set(7.5)).toThrow(/detector\.verification\.weekOffsetMinutes: .*\(got 7\.5\)/);
    expect(() => set('120')).toThrow(/detector\.verification\.weekOffsetMinutes: .*\(got "120"\)/);
    expect(() => set(0, 'yes')).toThrow(/detector\.verification\.dayOfWeek: .*\(got "yes"\)/);
    expect(loadConfig({ file: null, env: { VIGIL_DETECTOR__VERIFICATION__WEEK_OFFSET_MINUTES: '-300', VIGIL_DETECTOR__VERIFICATION__DAY_OF_WEEK: 'false' } }).detector.verification).toMatchObject({ weekOffsetMinutes: -300, dayOfWeek: false });
  });

  test('secrets are not echoed in errors', () => {
    expect(() => parseConfig({ store: { server: { password: 42 } } })).toThrow(/\[redacted\]/);
  });

  test('environment overrides: VIGIL_ paths, KAFKA_BROKERS, CLICKHOUSE_URL', () => {
    const c = loadConfig({
      file: null,
      env: { VIGIL_DETECTOR__WINDOW_MS: '5000', VIGIL_COLLECTOR__HTTP__HOST: '0.0.0.0', KAFKA_BROKERS: 'a:9092, b:9092', CLICKHOUSE_URL: 'http://ch:8123' },
    });
    expect(c.detector.windowMs).toBe(5000);
    expect(c.collector.http.host).toBe('0.0.0.0');
    expect(c.bus).toMatchObject({ kind: 'kafka', kafka: { brokers: ['a:9092', 'b:9092'] } });
    expect(c.store).toMatchObject({ kind: 'server', server: { url: 'http://ch:8123' } });
    expect(envOverrides({ VIGIL_BUS__KAFKA__CLIENT_ID: 'x' })).toEqual({ bus: { kafka: { clientId: 'x' } } });
  });

  test('vigil.example.yaml is valid and documents every key', () => {
    const example = parse(readFileSync(EXAMPLE, 'utf8')) as unknown;
    expect(() => loadConfig({ file: EXAMPLE, env: {} })).not.toThrow();
    const documented = new Set(keyPaths(example));
    const missing = keyPaths(JSON.parse(JSON.stringify(parseConfig({})))).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });

  test('moved keys: the old alerter.incidents keys still work, with a deprecation warning naming both keys', () => {
    const warnings: string[] = [];
    const c = parseConfig(
      { alerter: { incidents: { topic: 'inc', feedbackTopic: 'fb', feedback: { apply: false, halfLifeMs: 3_600_000, marginDecades: 1 } } } },
      'test',
      (w) => warnings.push(w),
    );
    expect(c.topics.incidents).toBe('inc');
    expect(c.topics.feedback).toBe('fb');
    expect(c.feedback).toEqual({ halfLifeMs: 3_600_000, marginDecades: 1, maxEntries: 10_000 });
    expect(c.alerter.incidents.feedback).toEqual({ apply: false });
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/alerter\.incidents\.topic is deprecated: it moved to topics\.incidents \(got "inc"\)/);
    // From the environment too (the variable of the old key).
    const fromEnv = loadConfig({ file: null, env: { VIGIL_ALERTER__INCIDENTS__FEEDBACK_TOPIC: 'fb2' }, warn: () => undefined });
    expect(fromEnv.topics.feedback).toBe('fb2');
  });

  test('moved keys: setting the old and the new key is an error quoting both', () => {
    expect(() => parseConfig({ topics: { incidents: 'a' }, alerter: { incidents: { topic: 'b' } } }, 'test', () => undefined)).toThrow(
      /alerter\.incidents\.topic: deprecated, and topics\.incidents is set too; keep only topics\.incidents \(got "b"\)/,
    );
    // No warning without old keys.
    const warnings: string[] = [];
    parseConfig({ topics: { incidents: 'a' } }, 'test', (w) => warnings.push(w));
    expect(warnings).toEqual([]);
  });

  test('busOptions: the options of createBus of @vigil/bus, every value from the section', () => {
    expect(busOptions(parseConfig({ bus: { memory: { autoCreatePartitions: 3 } } }).bus)).toEqual({ kind: 'memory', maxRecordsPerPartition: 100_000, autoCreatePartitions: 3 });
    const k = busOptions(parseConfig({ bus: { kind: 'kafka', kafka: { brokers: ['b:9092'], transactionTimeoutMs: 20_000 } } }).bus);
    expect(k).toEqual({ kind: 'kafka', brokers: ['b:9092'], clientId: 'vigil', ssl: undefined, sasl: undefined, transactionTimeoutMs: 20_000 });
    expect(() => parseConfig({ bus: { kafka: { transactionTimeoutMs: 5 } } })).toThrow(/bus\.kafka\.transactionTimeoutMs: .*\(got 5\)/);
  });
});
