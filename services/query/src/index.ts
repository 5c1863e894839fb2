// services/query: the read side. Every read API and the console, from the store; it never inserts.
export { createQuery } from './pipeline.js';
export type { Query, QueryDeps } from './pipeline.js';
export { queryRoutes, parseDurationMs } from './api/query-api.js';
export { statusRoutes } from './api/status-routes.js';
export type { ServiceClock, StatusAnswer } from './api/status-routes.js';
export { consoleApiRoutes } from './api/console-api.js';
export { ciRoutes, CiApi } from './ci/ci-routes.js';
export type { CiRoutesOptions } from './ci/ci-routes.js';
export { CiState, DEFAULT_CI_STATE_OPTIONS } from './ci/ci-state.js';
export type { CiStateOptions } from './ci/ci-state.js';
export { pipelineRunAnnouncer } from './ci/announce.js';
export type { AnnouncerDeps } from './ci/announce.js';
export { revisionQuality, RevisionQualityError } from './ci/revision-quality.js';
export type { RevisionQuality, RevisionQualityOptions } from './ci/revision-quality.js';
