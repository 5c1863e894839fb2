// OTLP protobuf and JSON codecs generated from proto/
export {};
