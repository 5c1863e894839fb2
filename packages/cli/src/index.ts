// The vigil command: the embedded pipeline, queries, CI tools.
export { startEmbedded } from './embedded.js';
export type { Embedded, EmbeddedOptions } from './embedded.js';
export { renderTable } from './table.js';
export { getJson, VIEWS } from './queries.js';
