import { readFileSync } from 'node:fs';
import type { BusConfig as BusSection } from './sections/core.js';

/**
 * The bus section of vigil.yaml → the options object `createBus` of @vigil/bus takes
 * (structurally typed here so config does not depend on the bus). TLS files are read now, at
 * startup, so a missing certificate fails fast.
 */
export function busOptions(section: BusSection):
  | { kind: 'memory'; maxRecordsPerPartition: number; autoCreatePartitions: number }
  | {
      kind: 'kafka';
      brokers: string[];
      clientId: string;
      ssl?: boolean | { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
      sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
      transactionTimeoutMs: number;
    } {
  if (section.kind === 'memory') {
    return { kind: 'memory', maxRecordsPerPartition: section.memory.maxRecordsPerPartition, autoCreatePartitions: 6 };
  }
  const k = section.kafka;
  const ssl = k.ssl.enabled
    ? k.ssl.caFile || k.ssl.certFile || k.ssl.keyFile
      ? {
          ca: k.ssl.caFile ? readFileSync(k.ssl.caFile) : undefined,
          cert: k.ssl.certFile ? readFileSync(k.ssl.certFile) : undefined,
          key: k.ssl.keyFile ? readFileSync(k.ssl.keyFile) : undefined,
          rejectUnauthorized: k.ssl.rejectUnauthorized,
        }
      : true
    : undefined;
  // Vigil's transactions last milliseconds (the detector commits every commitIntervalMs): a short
  // broker-side timeout means a killed replica's open transaction, which hides everything after
  // it from read-committed readers of that partition, is aborted within seconds, not a minute.
  return { kind: 'kafka', brokers: [...k.brokers], clientId: k.clientId, ssl, sasl: k.sasl ? { ...k.sasl } : undefined, transactionTimeoutMs: 15_000 };
}
