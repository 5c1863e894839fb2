-- Parts forecast on their own (record vigil.forecast/1 `part`): an operation of a service's
-- request rate, or an instance's series of its CPU / memory. '' is the service total, the row
-- GET /v1/forecasts, /v1/capacity, KEDA and the dashboards read unless a part is asked for. The
-- record id holds the part, so the rows of parts never replace the total's.
ALTER TABLE {{db}}.forecasts ADD COLUMN IF NOT EXISTS part String DEFAULT '' CODEC(ZSTD(1));
