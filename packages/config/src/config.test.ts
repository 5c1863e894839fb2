import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { ConfigError, envOverrides, loadConfig, parseConfig } from './index.js';

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
    for (const l of [c.api, c.collector.http, c.collector.grpc, c.detector.api, c.alerter.api, c.writer.api]) expect(l.host).toBe('127.0.0.1');
    expect(Object.isFrozen(c.collector.http)).toBe(true);
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
});
