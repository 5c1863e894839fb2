-- Vigil result tables. `{{db}}` is replaced by the configured database.
-- Every table is written only by services/writer, with insert_deduplication_token built from
-- (topic, partition, first offset, last offset); plain MergeTree needs
-- non_replicated_deduplication_window for that token to be remembered (ClickHouse docs,
-- "Deduplication Token"). On a cluster: make each table Replicated*MergeTree (replicated tables
-- deduplicate by default, replicated_deduplication_window) and put a Distributed table in front,
-- sharded by cityHash64(service) so one service's rows stay together.

CREATE TABLE IF NOT EXISTS {{db}}.scores
(
    -- Every scored window: charts draw value against expected and its band.
    window_start   DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    window_end     DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    service        LowCardinality(String),
    signal         LowCardinality(String),
    metric         LowCardinality(String),
    operation      String CODEC(ZSTD(1)),
    version        LowCardinality(String),
    series_id      String CODEC(ZSTD(1)),
    series_key     String CODEC(ZSTD(1)),
    value          Float64 CODEC(Gorilla, ZSTD(1)),
    expected       Float64 CODEC(Gorilla, ZSTD(1)),
    lower          Float64 CODEC(Gorilla, ZSTD(1)),
    upper          Float64 CODEC(Gorilla, ZSTD(1)),
    score          Float32 CODEC(ZSTD(1)),
    components     Array(LowCardinality(String)),
    warming_up     Bool
)
ENGINE = MergeTree
PARTITION BY toDate(window_start)
-- Queries ask for one service's series over a time range.
ORDER BY (service, metric, series_id, window_start)
TTL toDateTime(window_start) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.anomalies
(
    id             String,
    window_start   DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    window_end     DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    service        LowCardinality(String),
    signal         LowCardinality(String),
    metric         LowCardinality(String),
    operation      String,
    version        LowCardinality(String),
    series_id      String,
    series_key     String,
    value          Float64,
    expected       Float64,
    lower          Float64,
    upper          Float64,
    score          Float32,
    threshold      Float32,
    components     Array(LowCardinality(String)),
    severity       LowCardinality(String),
    deployment_id  String,
    deployment_version LowCardinality(String),
    summary        String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(window_start)
-- Recent anomalies first, per service; the id makes a replayed anomaly collapse into one row.
ORDER BY (service, window_start, id)
TTL toDateTime(window_start) + INTERVAL 180 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.deployments
(
    -- One row per deployment and status change. `revision` orders them: a verdict (running, then
    -- final) always outranks the deployment announcement, whatever the clocks say, and the row
    -- with the highest revision is the deployment now (argMax(x, revision); FINAL after merges).
    id             String,
    service        LowCardinality(String),
    version        String,
    environment    LowCardinality(String),
    commit         String,
    source         LowCardinality(String),
    previous_version String,
    deployed_at    DateTime64(3),
    status         LowCardinality(String),
    mode           LowCardinality(String),
    verdict_summary String,
    evidence       String CODEC(ZSTD(3)),
    updated_at     DateTime64(3),
    revision       UInt64
)
ENGINE = ReplacingMergeTree(revision)
ORDER BY (service, id)
TTL toDateTime(deployed_at) + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.log_templates
(
    window_start   DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    window_end     DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    service        LowCardinality(String),
    template_id    String,
    template       String CODEC(ZSTD(3)),
    count          UInt64,
    severities     Map(LowCardinality(String), UInt64),
    first_seen     DateTime64(3),
    is_new         Bool,
    new_since_deployment String,
    version        LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toDate(window_start)
ORDER BY (service, template_id, window_start)
TTL toDateTime(window_start) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.alerts
(
    -- One row per alert state change; the latest row per id is the alert now.
    id             String,
    incident_id    String,
    rule           LowCardinality(String),
    status         LowCardinality(String),
    severity       LowCardinality(String),
    service        LowCardinality(String),
    labels         Map(String, String),
    summary        String,
    starts_at      DateTime64(3),
    ends_at        Nullable(DateTime64(3)),
    updated_at     DateTime64(3),
    anomaly_ids    Array(String),
    verdict_id     String,
    notifications  String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(starts_at)
ORDER BY (service, id, starts_at)
TTL toDateTime(starts_at) + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.rollbacks
(
    id             String,
    deployment_id  String,
    service        LowCardinality(String),
    version        String,
    reason         String,
    verdict_id     String,
    alert_id       String,
    hook           LowCardinality(String),
    dry_run        Bool,
    result         LowCardinality(String),
    detail         String,
    at             DateTime64(3)
)
ENGINE = ReplacingMergeTree(at)
ORDER BY (service, id)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.dead_letters
(
    at             DateTime64(3),
    source_topic   LowCardinality(String),
    source_partition UInt32,
    source_offset  String,
    reason         String,
    payload        String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (source_topic, at)
TTL toDateTime(at) + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000;
