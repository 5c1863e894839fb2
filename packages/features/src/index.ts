// Spans, metrics and logs into series
export {};
