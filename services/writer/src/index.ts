// services/writer: every vigil_* topic into ClickHouse, exactly once; the query API beside the store.
export { createWriter, writerTopics } from './pipeline.js';
export type { Writer, WriterDeps } from './pipeline.js';
export { rowsFor } from './mappers/rows.js';
export type { TableRow } from './mappers/rows.js';
export { dedupToken, PartitionSink } from './sink/partition-sink.js';
export { queryRoutes, parseDurationMs } from './api/query-api.js';
export { statusRoutes } from './api/status-routes.js';
export type { ServiceClock, StatusAnswer } from './api/status-routes.js';
export { ciRoutes, CiApi } from './ci/ci-routes.js';
export type { CiRoutesOptions } from './ci/ci-routes.js';
export { CiState, DEFAULT_CI_STATE_OPTIONS } from './ci/ci-state.js';
export type { CiStateOptions } from './ci/ci-state.js';
export { revisionQuality, RevisionQualityError } from './ci/revision-quality.js';
export type { RevisionQuality, RevisionQualityOptions } from './ci/revision-quality.js';
export { consoleApiRoutes } from './api/console-api.js';
