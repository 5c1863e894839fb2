#!/usr/bin/env bash
# Make sure the real components the tests start are installable here: Java 17 and Maven (the
# local Kafka broker), prometheus-alertmanager (the alerter's integration test), openssl (the TLS
# tests make their certificates with it). Installs what is
# missing with apt-get when running as root on Debian; otherwise says what to install and fails.
# Kafka jars are resolved by infra/kafka/broker.sh (cached outside the repository).
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ! command -v prometheus-alertmanager >/dev/null 2>&1 && ! command -v alertmanager >/dev/null 2>&1; then
  missing+=(prometheus-alertmanager)
fi
# The console's browser tests drive Debian's chromium through playwright-core (no browser download);
# CHROMIUM_PATH points elsewhere. DejaVu fonts make the screenshots readable.
if [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "[vigil test] installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[vigil test] missing: ${missing[*]}" >&2
    echo "[vigil test] install them (Debian: sudo apt-get install ${missing[*]}), set KAFKA_BROKERS to use an existing Kafka, or run on a machine with a Docker engine" >&2
    exit 1
  fi
fi

bash "$(dirname "${BASH_SOURCE[0]}")/../kafka/broker.sh" fetch

# The real OpenTelemetry Collector for the behind-a-Collector tests (test/e2e/behind-otel-collector):
# built with Go by infra/otelcol/build.sh, cached under ${VIGIL_CACHE:-~/.cache/vigil}/otelcol (a
# no-op once built). OTELCOL_BIN names an existing binary instead. The build starts in the
# background so that its minutes overlap lint and the TypeScript build; the integration setup runs
# build.sh again, which waits for this one (it holds a lock) and then only prints the path.
if [[ -z "${OTELCOL_BIN:-}" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "[vigil test] missing: Go >= 1.26 (builds the OpenTelemetry Collector for the behind-a-Collector tests)" >&2
    echo "[vigil test] install Go from its official downloads and put it on PATH, or set OTELCOL_BIN to a Collector binary (see infra/otelcol/README.md)" >&2
    exit 1
  fi
  otelcol_cache="${VIGIL_CACHE:-${HOME}/.cache/vigil}/otelcol"
  mkdir -p "$otelcol_cache"
  echo "[vigil test] OpenTelemetry Collector: building in the background if needed (log: $otelcol_cache/prerequisites-build.log)"
  nohup bash "$(dirname "${BASH_SOURCE[0]}")/../otelcol/build.sh" >"$otelcol_cache/prerequisites-build.log" 2>&1 </dev/null &
fi
