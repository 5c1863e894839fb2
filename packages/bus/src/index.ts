// The Bus interface with Kafka and in-process implementations
export {};
