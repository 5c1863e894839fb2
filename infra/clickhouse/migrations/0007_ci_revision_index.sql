-- GET /v1/ci/revisions/{revision} (the CI quality of a deployed commit) filters ci_test_runs and
-- ci_pipeline_runs by revision, which is not in either sort key. A bloom-filter skip index lets
-- ClickHouse skip the granules that cannot hold the revision instead of reading the whole table
-- (ClickHouse docs, "Data skipping indexes": bloom_filter suits equality on high-cardinality
-- strings). It covers parts written from now on; existing parts are read as before until merged.
ALTER TABLE {{db}}.ci_test_runs ADD INDEX IF NOT EXISTS revision_idx revision TYPE bloom_filter(0.01) GRANULARITY 4;

ALTER TABLE {{db}}.ci_pipeline_runs ADD INDEX IF NOT EXISTS revision_idx revision TYPE bloom_filter(0.01) GRANULARITY 4;
