-- Verdict history (every status a deployment went through, with its evidence) and the writer's
-- intent log, which makes batch boundaries reproducible across crashes.

CREATE TABLE IF NOT EXISTS {{db}}.verdicts
(
    id             String,
    deployment_id  String,
    service        LowCardinality(String),
    version        String,
    baseline_version String,
    environment    LowCardinality(String),
    status         LowCardinality(String),
    mode           LowCardinality(String),
    deployed_at    DateTime64(3),
    decided_at     DateTime64(3),
    summary        String,
    evidence       String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(decided_at)
ORDER BY (service, deployment_id, id)
TTL toDateTime(decided_at) + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Before inserting the rows of an offset range, the writer records the range here. After a
-- crash it reads the last range per partition and cuts its first batch at exactly that range,
-- so the retried inserts carry the same deduplication tokens and write nothing twice.
CREATE TABLE IF NOT EXISTS {{db}}.writer_ranges
(
    topic          LowCardinality(String),
    partition      UInt32,
    first_offset   UInt64,
    last_offset    UInt64,
    at             DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (topic, partition, first_offset)
TTL toDateTime(at) + INTERVAL 7 DAY;
