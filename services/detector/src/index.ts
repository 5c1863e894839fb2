// Kafka in, features, scorers, verdicts out
export {};
