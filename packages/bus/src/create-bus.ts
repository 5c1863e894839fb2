// One factory for both implementations, chosen by `kind` (e.g. from the service config).
import { BusError } from './errors.js';
import { createKafkaBus } from './kafka-bus.js';
import { createMemoryBus } from './memory-bus.js';
import type { BusConfig } from './options.js';
import type { Bus } from './types.js';

export function createBus(config: BusConfig): Bus {
  if (config === null || typeof config !== 'object') {
    throw new BusError('BUS_INVALID', `bus config must be an object, got ${JSON.stringify(config)}`);
  }
  if (config.kind === 'kafka') {
    const { kind: _kind, ...options } = config;
    return createKafkaBus(options);
  }
  if (config.kind === 'memory') {
    const { kind: _kind, ...options } = config;
    return createMemoryBus(options);
  }
  const kind = (config as { kind?: unknown }).kind;
  throw new BusError('BUS_INVALID', `bus config: 'kind' must be 'kafka' or 'memory', got ${JSON.stringify(kind)}`);
}
