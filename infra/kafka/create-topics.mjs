#!/usr/bin/env node
// Waits until a Kafka broker answers metadata requests, then creates the topics listed in a
// topics.json file (existing topics are left alone). Used by broker.sh after start; also usable
// against any cluster:  node infra/kafka/create-topics.mjs --brokers host:9092 [--file F]
//                                                          [--timeout-ms 60000] [--wait-only]
// Plain kafkajs (no @vigil/* import), so it runs before anything in the repo is built.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

function parseArgs(argv) {
  const out = {
    brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092',
    file: fileURLToPath(new URL('./topics.json', import.meta.url)),
    timeoutMs: 60_000,
    waitOnly: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--brokers') out.brokers = argv[++i];
    else if (a === '--file') out.file = argv[++i];
    else if (a === '--timeout-ms') out.timeoutMs = Number(argv[++i]);
    else if (a === '--wait-only') out.waitOnly = true;
    else throw new Error(`create-topics: unknown argument '${a}'`);
  }
  if (!Number.isFinite(out.timeoutMs) || out.timeoutMs <= 0) {
    throw new Error(`create-topics: --timeout-ms must be a positive number, got '${out.timeoutMs}'`);
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const kafka = new Kafka({
    clientId: 'vigil-create-topics',
    brokers: args.brokers.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + args.timeoutMs;
  let admin;
  let lastError;
  // Readiness: the port may be open before the broker has unfenced itself; a metadata answer
  // that names at least one broker means it can serve requests.
  for (;;) {
    admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) break;
      lastError = new Error('metadata named no broker');
    } catch (err) {
      lastError = err;
    }
    await admin.disconnect().catch(() => {});
    if (Date.now() > deadline) {
      throw new Error(`broker at ${args.brokers} did not answer metadata within ${args.timeoutMs} ms: ${lastError?.message ?? lastError}`);
    }
    await sleep(250);
  }
  try {
    if (args.waitOnly) return;
    const doc = JSON.parse(readFileSync(args.file, 'utf8'));
    const specs = doc.topics;
    if (!Array.isArray(specs)) throw new Error(`${args.file}: expected a "topics" array`);
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        timeout: Math.max(5000, deadline - Date.now()),
        topics: missing.map((s) => {
          const configEntries = [];
          if (s.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
          if (s.retentionMs !== undefined) configEntries.push({ name: 'retention.ms', value: String(s.retentionMs) });
          // No replicationFactor: -1 lets the broker apply default.replication.factor.
          return { topic: s.topic, numPartitions: s.partitions, configEntries };
        }),
      });
    }
    console.log(`topics: ${missing.length} created, ${specs.length - missing.length} already present (${args.file.split('/').pop()})`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

main().catch((err) => {
  console.error(`create-topics: ${err?.message ?? err}`);
  process.exit(1);
});
