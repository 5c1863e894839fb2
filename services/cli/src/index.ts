// The vigil command: the embedded pipeline, queries, CI tools.
export { startEmbedded } from './embedded.js';
export type { Embedded, EmbeddedOptions } from './embedded.js';
export { renderTable } from './table.js';
export { getJson, VIEWS } from './queries.js';
export { parseDemoArgs, runDemo } from './demo/index.js';
export type { DemoFigures, DemoFront, DemoOptions, DemoResult } from './demo/index.js';
export { ciMain, ciPrioritise } from './ci/ci-prioritise.js';
export { runDoctor, renderDoctor } from './doctor.js';
export type { DoctorCheck, DoctorOptions, DoctorResult } from './doctor.js';
export { gettingStarted } from './getting-started.js';
// The demo's shop (real OpenTelemetry SDK traffic) and hooks server, for end-to-end tests.
export { Shop } from './demo/shop.js';
export type { ShopService } from './demo/shop.js';
export { startHooksServer } from './demo/hooks-server.js';
export type { HooksServer, RollbackRequestBody } from './demo/hooks-server.js';
