// The vigil command: embedded pipeline, queries, CI tools
export {};
