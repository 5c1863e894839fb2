// Helpers for integration tests that need the shared Kafka broker (and Alertmanager) started by
// infra/test/global-setup.ts. Import with a relative path from a test file, e.g.
//   import { testBrokers, uniqueTopic } from '../../../infra/test/kafka.js';
import { inject } from 'vitest';
import { ALERTMANAGER_INSTALL_HINT } from './context.js';

/** The broker list for this test run (KAFKA_BROKERS as resolved by the global setup). */
export function testBrokers(): string[] {
  let value = '';
  try {
    value = inject('kafkaBrokers') ?? '';
  } catch {
    // inject() only works inside a vitest worker; fall back to the environment.
  }
  value ||= process.env.KAFKA_BROKERS ?? '';
  const brokers = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new Error(
      'No Kafka brokers: run integration tests with `npx vitest run --project integration` ' +
        '(its global setup provides a broker) or set KAFKA_BROKERS=host:port',
    );
  }
  return brokers;
}

let counter = 0;
/**
 * A topic (or group id) name no other test or earlier run uses: prefix, pid, time, counter.
 * Kafka topic names allow [a-zA-Z0-9._-] up to 249 characters.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 120);
  counter += 1;
  return `${clean}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** The Alertmanager base URL, or an Error telling how to install it. */
export function alertmanagerUrl(): string {
  let url = '';
  let missing = '';
  try {
    url = inject('alertmanagerUrl') ?? '';
    missing = inject('alertmanagerMissing') ?? '';
  } catch {
    url = process.env.ALERTMANAGER_URL ?? '';
    missing = process.env.ALERTMANAGER_MISSING ?? '';
  }
  if (!url) throw new Error(missing || `Alertmanager is not running: ${ALERTMANAGER_INSTALL_HINT}`);
  return url;
}
