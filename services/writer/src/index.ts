// services/writer: every vigil_* topic into ClickHouse, exactly once. It only writes: the read
// APIs and the console are services/query's.
export { createWriter, writerTopics } from './pipeline.js';
export type { Writer, WriterDeps } from './pipeline.js';
export { rowsFor, deploymentAnnouncementPrecedence } from './mappers/rows.js';
export type { TableRow } from './mappers/rows.js';
export { dedupToken, PartitionSink } from './sink/partition-sink.js';
export type { SinkDeps } from './sink/partition-sink.js';
