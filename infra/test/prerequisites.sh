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
