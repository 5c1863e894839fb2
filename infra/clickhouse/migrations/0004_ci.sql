-- CI insights: test executions and pipeline runs (topic ci_test_runs, landed by the writer),
-- and per-test statistics as a view. Rows come from JUnit reports (POST /v1/ci/junit on the
-- collector) and OpenTelemetry CI spans (test.case.*, cicd.pipeline.*), see packages/ci-insights.

CREATE TABLE IF NOT EXISTS {{db}}.ci_test_runs
(
    -- Start of the execution (the span start, or the report's timestamp).
    time           DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    suite          LowCardinality(String),
    test_name      String CODEC(ZSTD(1)),
    pipeline       LowCardinality(String),
    run_id         String CODEC(ZSTD(1)),
    -- Commit under test; '' when unknown (flakiness then uses the run id).
    revision       String CODEC(ZSTD(1)),
    status         LowCardinality(String),
    duration_ms    Float64 CODEC(Gorilla, ZSTD(1)),
    -- 1-based attempt of a re-run test; 0 when the runner did not re-run it.
    attempt        UInt16,
    source         LowCardinality(String),
    -- Insertion time: the CI API refreshes its history with rows inserted after the last it saw.
    ingested_at    DateTime64(3) DEFAULT now64(3),
    INDEX ingested_idx ingested_at TYPE minmax GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
-- Queries ask for one suite (history rebuild) or one test over time.
ORDER BY (suite, test_name, time)
TTL toDateTime(time) + INTERVAL 180 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS {{db}}.ci_pipeline_runs
(
    time           DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    pipeline       LowCardinality(String),
    run_id         String,
    revision       String,
    -- passed | failed (outcome) | announced (prediction made before the run).
    status         LowCardinality(String),
    duration_ms    Nullable(Float64),
    predicted_failure_probability Nullable(Float64),
    -- Announced runs: the suite assessed and the features of the build-risk model, so the model
    -- can be retrained the same way after a restart.
    suite          LowCardinality(String),
    risk_features  Array(Float64),
    reason         String,
    source         LowCardinality(String),
    ingested_at    DateTime64(3) DEFAULT now64(3)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(time)
ORDER BY (pipeline, time, run_id)
TTL toDateTime(time) + INTERVAL 180 DAY
SETTINGS non_replicated_deduplication_window = 10000;

-- Per-test statistics over everything kept (TTL 180 days):
--   runs / failures / failure_rate: executions with a verdict (skips excluded), failed or error;
--   recent_failure_rate: failures weighted by 2^(-age / 7 days) over the same weights of all
--     verdict runs (a time-decayed rate; the CI API's prioritiser uses a per-execution decay);
--   duration mean and p95 (quantileTDigest, approximate);
--   flaky: passed AND failed on the same revision (or the same run when the revision is
--     unknown) within the last 14 days, CircleCI's definition ("Test Insights", flaky tests);
--   flaky_revisions: how many revisions showed both verdicts in those 14 days.
CREATE VIEW IF NOT EXISTS {{db}}.ci_tests AS
SELECT
    suite,
    test_name,
    sum(r.runs) AS runs,
    sum(r.failures) AS failures,
    if(runs = 0, 0, failures / runs) AS failure_rate,
    if(sum(r.w_runs) = 0, 0, sum(r.w_failures) / sum(r.w_runs)) AS recent_failure_rate,
    sum(r.skips) AS skips,
    if(sum(r.d_count) = 0, 0, sum(r.d_sum) / sum(r.d_count)) AS duration_mean_ms,
    quantileTDigestMerge(0.95)(r.d_p95) AS duration_p95_ms,
    maxOrNull(r.last_failure) AS last_failure,
    min(r.first_seen) AS first_seen,
    max(r.last_seen) AS last_seen,
    countIf(r.recent_passed > 0 AND r.recent_failed > 0) AS flaky_revisions,
    flaky_revisions > 0 AS flaky
FROM
(
    SELECT
        suite,
        test_name,
        if(revision = '', concat('run:', run_id), revision) AS rev,
        countIf(status != 'skipped') AS runs,
        countIf(status IN ('failed', 'error')) AS failures,
        countIf(status = 'skipped') AS skips,
        sumIf(exp2(-dateDiff('second', time, now64(3)) / 604800), status != 'skipped') AS w_runs,
        sumIf(exp2(-dateDiff('second', time, now64(3)) / 604800), status IN ('failed', 'error')) AS w_failures,
        count() AS d_count,
        sum(duration_ms) AS d_sum,
        quantileTDigestState(0.95)(duration_ms) AS d_p95,
        maxIf(time, status IN ('failed', 'error')) AS last_failure_raw,
        if(countIf(status IN ('failed', 'error')) = 0, NULL, last_failure_raw) AS last_failure,
        min(time) AS first_seen,
        max(time) AS last_seen,
        countIf(status = 'passed' AND time >= now64(3) - INTERVAL 14 DAY) AS recent_passed,
        countIf(status IN ('failed', 'error') AND time >= now64(3) - INTERVAL 14 DAY) AS recent_failed
    FROM {{db}}.ci_test_runs
    GROUP BY suite, test_name, rev
) AS r
GROUP BY suite, test_name;
