-- What a deployment was announced with (record vigil.deployment/1), kept apart from its status.
--
-- Why a second table: `deployments` is ReplacingMergeTree(revision) with one row per
-- announcement and one per verdict, and a verdict row (commit '') outranks the announcement, so
-- once ClickHouse merges the parts of a deployment only the verdict row is left and the
-- announced commit and environment are gone. Here only announcements are written, so a merge
-- can only choose between announcements of the same deployment. `deployments` is left as it was
-- (no rewrite); readers take commit, environment and CI quality from here and fall back to
-- `deployments` for deployments announced before this table existed.

CREATE TABLE IF NOT EXISTS {{db}}.deployment_announcements
(
    -- deploymentIdFor(service, version): the id the verdicts and `deployments` carry.
    id             String,
    service        LowCardinality(String),
    version        String,
    environment    LowCardinality(String),
    commit         String,
    -- api (POST /v1/deployments) | resource (a new service.version seen in telemetry).
    source         LowCardinality(String),
    -- JSON array of {name, url}.
    links          String CODEC(ZSTD(3)),
    announced_at   DateTime64(3),
    -- CI quality of the commit at announcement (DeploymentCiQuality); ci_quality '' when the
    -- record carried none (resource announcements, no commit, CI lookup not configured).
    ci_quality     LowCardinality(String),
    ci_tests       UInt32,
    ci_failed      UInt32,
    ci_flaky       UInt32,
    ci_skipped     UInt32,
    ci_build_risk  Nullable(Float64),
    ci_reasons     Array(String),
    -- Which announcement of a deployment wins (the version column of ReplacingMergeTree, and the
    -- argMax key for readers before merges), computed by the writer (deploymentAnnouncementPrecedence):
    --   (4 · source_rank + 2 · has_commit + has_ci) · 2^42 + announced_at ms,  source_rank api 1, resource 0.
    -- A deploy announced both through the API (with commit, CI) and by its telemetry (no commit)
    -- keeps the API row whichever arrives or is stamped later; among rows of one kind, one with a
    -- commit outranks one without, then one carrying CI quality (the collector re-sends a
    -- telemetry-seen deployment with it once looked up), then the latest wins. 2^42 ms is 139
    -- years from 1970 and the largest value (8 · 2^42) is exact in a double.
    precedence     UInt64,
    ingested_at    DateTime64(3) DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(precedence)
-- No PARTITION BY: ReplacingMergeTree only replaces rows within one partition, and the API and
-- resource announcements of one deployment may be stamped in different months.
ORDER BY (service, id)
TTL toDateTime(announced_at) + INTERVAL 365 DAY
SETTINGS non_replicated_deduplication_window = 10000;
