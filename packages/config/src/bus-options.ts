import { readFileSync } from 'node:fs';
import type { BusConfig as BusOptions } from '@vigil/bus';
import type { BusConfig as BusSection } from './sections/core.js';

/**
 * The bus section of vigil.yaml → the options `createBus` of @vigil/bus takes (its own type: one
 * definition, no cast at the call site). TLS files are read now, at startup, so a missing
 * certificate fails fast.
 */
export function busOptions(section: BusSection): BusOptions {
  if (section.kind === 'memory') {
    const m = section.memory;
    return { kind: 'memory', maxRecordsPerPartition: m.maxRecordsPerPartition, autoCreatePartitions: m.autoCreatePartitions };
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
  return {
    kind: 'kafka', brokers: [...k.brokers], clientId: k.clientId, ssl, sasl: k.sasl ? { ...k.sasl } : undefined,
    transactionTimeoutMs: k.transactionTimeoutMs,
  };
}
