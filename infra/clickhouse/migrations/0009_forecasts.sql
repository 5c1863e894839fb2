-- Forecasts and right-sizing recommendations (record vigil.forecast/1, topic vigil_forecasts),
-- made online by the detector (@vigil/forecast): per service and metric (`rate`, or the
-- OpenTelemetry CPU / memory metric), the next hour in 5-minute steps (horizon `short`, every
-- 5 minutes) and the next day in hours (horizon `long`, every hour, with the recommendation).
-- Step i of a forecast: end_ms[i], mean[i] and the central 80 % / 95 % bounds.
-- GET /v1/forecasts reads the latest per series, GET /v1/capacity the latest recommendation.
-- ReplacingMergeTree on the record id: a replayed forecast replaces itself.
CREATE TABLE IF NOT EXISTS {{db}}.forecasts
(
    id                  String CODEC(ZSTD(1)),
    service             LowCardinality(String),
    metric              LowCardinality(String),
    kind                LowCardinality(String),
    horizon             LowCardinality(String),
    origin              DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),
    step_ms             UInt32,
    end_ms              Array(Int64),
    mean                Array(Float64),
    lo80                Array(Float64),
    hi80                Array(Float64),
    lo95                Array(Float64),
    hi95                Array(Float64),
    -- Recommendation (long horizon, cpu and memory): has_recommendation false elsewhere.
    has_recommendation  Bool,
    request             Float64,
    risk_short          Nullable(Float64),
    expected_slack      Nullable(Float64),
    expected_shortfall  Nullable(Float64),
    peak                Float64,
    mean_load           Float64,
    replicas            Nullable(UInt32),
    why                 String CODEC(ZSTD(3)),
    learnt              UInt64,
    withheld            UInt64
)
ENGINE = ReplacingMergeTree
ORDER BY (service, metric, horizon, origin, id)
TTL toDateTime(origin) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000;
