// Structured logs, Prometheus metrics, health endpoints and optional OTel self-tracing
export {};
