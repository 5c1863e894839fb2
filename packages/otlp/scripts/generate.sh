#!/usr/bin/env bash
# Regenerates packages/otlp/generated/ from the .proto files in proto/ (top level) with
# protobufjs-cli. The generated protobufjs code is the REFERENCE codec: the hand-written
# codecs in src/ (faster, see README.md) are tested against it and benchmarked against it.
# The output is committed, so a build needs no code generation step.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/generated"
mkdir -p "$out"
cd "$root/proto"
files=(
  opentelemetry/proto/collector/trace/v1/trace_service.proto
  opentelemetry/proto/collector/metrics/v1/metrics_service.proto
  opentelemetry/proto/collector/logs/v1/logs_service.proto
  google/rpc/status.proto
  google/rpc/error_details.proto
)
# --force-long keeps 64-bit integers exact (Long objects); es6 wrapper gives an ES module.
npx --no-install pbjs -t static-module -w es6 --force-long --no-verify --no-delimited \
  --no-service -p "$root/proto" -o "$out/otlp-pbjs.js" "${files[@]}"
# protobufjs/minimal has no ES export map entry without the .js suffix under NodeNext.
# protobufjs/minimal is CommonJS: under Node ESM its namespace has only `default`, so import that.
sed -i "s#import \* as \$protobuf from \"protobufjs/minimal\";#import \$protobuf from \"protobufjs/minimal.js\";#" "$out/otlp-pbjs.js"
npx --no-install pbts -o "$out/otlp-pbjs.d.ts" "$out/otlp-pbjs.js"
echo "generated $out/otlp-pbjs.js and otlp-pbjs.d.ts"
