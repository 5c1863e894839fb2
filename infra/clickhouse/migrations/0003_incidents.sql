-- Incident memory and operator feedback (services/alerter → vigil_incidents, vigil_feedback).

CREATE TABLE IF NOT EXISTS {{db}}.incident_resolutions
(
    -- One row per incident update (resolved, resolution attached); the latest row per id wins.
    id             String,
    alert_id       String,
    service        LowCardinality(String),
    title          String,
    status         LowCardinality(String),
    starts_at      DateTime64(3),
    resolved_at    Nullable(DateTime64(3)),
    updated_at     DateTime64(3),
    -- The fingerprint, flattened for queries, and whole (JSON) for the alerter's format.
    signal         LowCardinality(String),
    metric         LowCardinality(String),
    operation      String,
    templates      Array(String),
    deviations     Array(LowCardinality(String)),
    deploy_change  LowCardinality(String),
    deployment_id  String,
    deployment_version String,
    verdict        LowCardinality(String),
    fingerprint    String CODEC(ZSTD(3)),
    -- What fixed it: api (a person), pagerduty (resolve note), rollback (a rollback cleared it).
    resolution_source LowCardinality(String),
    fixed_by       String,
    rollback_helped Nullable(Bool),
    resolution_links String,
    resolution_notes Array(String),
    resolved_by    String,
    similar        String
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(starts_at)
ORDER BY (service, id)
TTL toDateTime(starts_at) + INTERVAL 730 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.feedback
(
    -- Operator feedback on anomalies: auditable (who, when, why) and reversible (status revoked).
    id             String,
    status         LowCardinality(String),
    verdict        LowCardinality(String),
    scope          LowCardinality(String),
    anomaly_id     String,
    series_key     String,
    service        LowCardinality(String),
    operation      String,
    metric         LowCardinality(String),
    score          Nullable(Float64),
    threshold      Nullable(Float64),
    direction      LowCardinality(String),
    false_negative Bool,
    note           String,
    created_by     String,
    created_at     DateTime64(3),
    updated_at     DateTime64(3),
    revoked_at     Nullable(DateTime64(3))
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (service, id)
SETTINGS non_replicated_deduplication_window = 10000;
