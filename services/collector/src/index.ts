// OTLP gRPC/HTTP receivers into Kafka
export {};
