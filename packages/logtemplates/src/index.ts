// Online log template mining
export { TemplateMiner } from './miner.js';
export type {
  MinerStats,
  NewTemplateEvent,
  ObserveOptions,
  ObserveResult,
  SeverityCounts,
  TemplateCount,
  TemplateMergeEvent,
  TemplateMinerJSON,
  TemplateWindow,
} from './miner.js';
export { DEFAULT_MINER_OPTIONS, resolveMinerOptions } from './options.js';
export type { MinerOptions } from './options.js';
export { SEVERITY_NAMES, severityIndex } from './severity.js';
export type { SeverityName } from './severity.js';
export { WILDCARD, templateText, tokenize } from './tokenizer.js';
export type { TokenizedLine } from './tokenizer.js';
export { hash64Hex } from './hash.js';
export { parseCsv } from './csv.js';
export { groupingAccuracy } from './grouping-accuracy.js';
