#!/usr/bin/env bash
# Builds the minimal OpenTelemetry Collector distribution of builder-config.yaml with the
# OpenTelemetry Collector Builder (ocb) and prints the binary's path (last line of stdout).
#
#   bash infra/otelcol/build.sh            build once; later runs only print the path
#   bash infra/otelcol/build.sh --force    rebuild
#
# Everything lands outside the repository, under ${VIGIL_CACHE:-$HOME/.cache/vigil}/otelcol:
#   bin/builder           the builder (go install go.opentelemetry.io/collector/cmd/builder@VERSION)
#   dist/                 generated Go sources + go.mod of the distribution (kept for inspection)
#   otelcol-vigil-bench   the binary; use it as OTELCOL_BIN for the collector benchmark
#   build.log             builder output of the last build
# Go modules come from GOPROXY (Go's default module proxy unless set) into the ordinary module cache.
#
# The build is kept to one compile job at a time (GOFLAGS -p=1, GOMAXPROCS=1) because the
# development machine has 2 cores shared by several people; a cold build takes minutes.
set -euo pipefail

BUILDER_VERSION=v0.165.0 # keep in step with the versions in builder-config.yaml
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${VIGIL_CACHE:-${HOME}/.cache/vigil}/otelcol"
BIN="${OUT}/otelcol-vigil-bench"

say() { echo "[otelcol] $*" >&2; }
die() { echo "[otelcol] error: $*" >&2; exit 1; }

FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

# The binary is reused only while it was built from this very manifest (and this script): adding a
# component to builder-config.yaml must not leave an older binary without it in the cache.
STAMP="${BIN}.manifest-sha256"
WANT="$(sha256sum <"$HERE/builder-config.yaml" | cut -d' ' -f1)"
mkdir -p "$OUT"
# One build at a time (test setups of parallel runs, CI steps): the others wait, then reuse it.
exec 9>"$OUT/.build.lock"
flock 9
if [[ -x "$BIN" && "$FORCE" -eq 0 && "$(cat "$STAMP" 2>/dev/null || true)" == "$WANT" ]]; then
  say "already built (pass --force to rebuild)"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go not found on PATH (Go >= 1.26 is needed for collector v0.165.0)"
GO_MINOR="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[[ "$GO_MINOR" =~ ^[0-9]+$ && "$GO_MINOR" -ge 26 ]] || die "$(go env GOVERSION) is too old: collector v0.165.0 modules declare go 1.26.0"

mkdir -p "$OUT/bin"
export GOMAXPROCS=1
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-p=1"
export CGO_ENABLED=0 # a static binary; the distribution needs no cgo

t0=$(date +%s)
if [[ ! -x "$OUT/bin/builder" || "$("$OUT/bin/builder" version 2>&1 || true)" != *"${BUILDER_VERSION#v}"* ]]; then
  say "installing go.opentelemetry.io/collector/cmd/builder@${BUILDER_VERSION} into $OUT/bin"
  GOBIN="$OUT/bin" go install "go.opentelemetry.io/collector/cmd/builder@${BUILDER_VERSION}"
fi

# The builder resolves the manifest's relative output_path (./dist) against its working directory.
say "building the distribution (one compile job at a time; log: $OUT/build.log)"
rm -rf "$OUT/dist"
if ! (cd "$OUT" && "$OUT/bin/builder" --config "$HERE/builder-config.yaml") >"$OUT/build.log" 2>&1; then
  tail -n 40 "$OUT/build.log" >&2
  die "the builder failed (full log: $OUT/build.log)"
fi
[[ -x "$OUT/dist/otelcol-vigil-bench" ]] || die "the builder finished but $OUT/dist/otelcol-vigil-bench is missing"
mv -f "$OUT/dist/otelcol-vigil-bench" "$BIN"
echo "$WANT" >"$STAMP"
say "built in $(( $(date +%s) - t0 ))s: $("$BIN" --version)"
echo "$BIN"
