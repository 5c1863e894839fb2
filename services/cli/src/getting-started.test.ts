import { expect, test } from 'vitest';
import { parseConfig } from '@vigil/config';
import { gettingStarted } from './getting-started.js';

const ports = { otlpHttp: 4318, otlpGrpc: 4317, api: 8080, alerterApi: 8082 };

test('plain defaults: loopback URLs, no token hints', () => {
  const text = gettingStarted(parseConfig({}), ports);
  expect(text).toContain('export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318');
  expect(text).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317');
  expect(text).toContain("curl -sS -X POST http://127.0.0.1:4318/v1/deployments -H 'content-type: application/json' \\");
  expect(text).toContain('console  http://127.0.0.1:8080/');
  expect(text).not.toMatch(/Bearer/);
});

test('TLS, a wildcard bind and bearer tokens: https on loopback, header hints, never the token itself', () => {
  const token = 'a-secret-token-0123456789';
  const text = gettingStarted(parseConfig({
    api: { host: '0.0.0.0', tls: { enabled: true, certFile: 'c.pem', keyFile: 'k.pem' } },
    collector: { http: { host: '0.0.0.0', tls: { enabled: true, certFile: 'c.pem', keyFile: 'k.pem' }, auth: { bearerTokens: [token] } } },
  }), ports);
  expect(text).toContain('export OTEL_EXPORTER_OTLP_ENDPOINT=https://127.0.0.1:4318');
  expect(text).toContain('export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <token>"');
  expect(text).toContain('headers: { authorization: "Bearer <token>" }');
  expect(text).toContain("-H 'authorization: Bearer <token>'");
  expect(text).toContain('console  https://127.0.0.1:8080/');
  expect(text).not.toContain(token);
});
