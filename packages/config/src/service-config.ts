// What each service's factory is given: its own section plus the shared sections it reads
// (topics; feedback where it judges alarms), and nothing else. The bus, store and telemetry
// sections are read by the process that builds the Bus, Store and Telemetry a factory receives
// (a service's main.ts, or the embedded runner). Types and pickers live side by side so that a
// service that starts reading another section fails to compile until it is listed here.
import type { VigilConfig } from './schema.js';
import type { RekeyConfig } from './sections/rekey.js';

export type CollectorServiceConfig = Pick<VigilConfig, 'collector' | 'topics'>;
export type RekeyServiceConfig = Pick<VigilConfig, 'rekey' | 'topics'>;
/**
 * `rekey.enabled` says whether foreign OTLP records reach the detector re-keyed on the keyed
 * topics (and are skipped on the raw ones): a property of the topics it reads, decided by the
 * rekey stage's switch.
 */
export type DetectorServiceConfig = Pick<VigilConfig, 'detector' | 'topics' | 'feedback'> & { rekey: Pick<RekeyConfig, 'enabled'> };
export type AlerterServiceConfig = Pick<VigilConfig, 'alerter' | 'topics' | 'feedback'>;
export type WriterServiceConfig = Pick<VigilConfig, 'writer' | 'topics'>;

export function collectorConfigOf(c: VigilConfig): CollectorServiceConfig {
  return Object.freeze({ collector: c.collector, topics: c.topics });
}

export function rekeyConfigOf(c: VigilConfig): RekeyServiceConfig {
  return Object.freeze({ rekey: c.rekey, topics: c.topics });
}

export function detectorConfigOf(c: VigilConfig): DetectorServiceConfig {
  return Object.freeze({ detector: c.detector, topics: c.topics, feedback: c.feedback, rekey: Object.freeze({ enabled: c.rekey.enabled }) });
}

export function alerterConfigOf(c: VigilConfig): AlerterServiceConfig {
  return Object.freeze({ alerter: c.alerter, topics: c.topics, feedback: c.feedback });
}

export function writerConfigOf(c: VigilConfig): WriterServiceConfig {
  return Object.freeze({ writer: c.writer, topics: c.topics });
}
