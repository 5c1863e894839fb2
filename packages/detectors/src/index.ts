// Pure per-series anomaly scorers and the default ensemble
export {};
