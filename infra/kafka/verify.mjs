#!/usr/bin/env node
// Checks that kafkajs 2.2.4 can use every broker feature Vigil relies on, against a running
// broker:  node infra/kafka/verify.mjs [--brokers 127.0.0.1:19092]
//   1. idempotent producer (acks=all)        2. consumer group split across two members
//   3. transaction: records + sendOffsets committed atomically, read_committed consumer sees them
//   4. aborted transaction: invisible to read_committed, offsets not committed
// Prints one line per check and exits non-zero on the first failure. Uses fresh topic names.
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const args = process.argv.slice(2);
const brokers = (args[0] === '--brokers' ? args[1] : process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const kafka = new Kafka({ clientId: 'vigil-verify', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const run = Date.now().toString(36);
const t = (name) => `verify-${name}-${run}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ok = (msg) => console.log(`ok   ${msg}`);
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function consumeAll(groupId, topic, expected, opts = {}) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, readUncommitted: false, ...opts });
  const seen = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => { seen.push(message.value.toString()); } });
  const deadline = Date.now() + 15000;
  while (seen.length < expected && Date.now() < deadline) await sleep(100);
  await sleep(500); // would anything more arrive?
  await consumer.disconnect();
  return seen;
}

async function main() {
  await admin.connect();
  const t0 = performance.now();
  const topics = ['idem', 'group', 'txin', 'txout'].map(t);
  await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 2 })) });

  // 1. idempotent producer
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const res = await producer.send({ topic: t('idem'), acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` })) });
  check(res.every((r) => r.errorCode === 0), 'idempotent send errored');
  const offs = await admin.fetchTopicOffsets(t('idem'));
  check(offs.reduce((s, p) => s + Number(p.high), 0) === 10, 'idempotent producer: expected 10 records');
  ok('idempotent producer (acks=all): 10 records acknowledged and stored once');

  // 2. consumer group split across two members
  await producer.send({ topic: t('group'), acks: -1, messages: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }] });
  const g = `verify-g-${run}`;
  const members = [0, 1].map(() => kafka.consumer({ groupId: g, sessionTimeout: 6000, heartbeatInterval: 300 }));
  // The latest assignment of each member (GROUP_JOIN fires after every rebalance).
  const owned = [[], []];
  for (const [i, c] of members.entries()) {
    c.on(c.events.GROUP_JOIN, (e) => { owned[i] = e.payload.memberAssignment[t('group')] ?? []; });
    await c.connect();
    await c.subscribe({ topics: [t('group')], fromBeginning: true });
    await c.run({ autoCommit: false, eachMessage: async () => {} });
  }
  const split = () => owned[0].length === 1 && owned[1].length === 1 && owned[0][0] !== owned[1][0];
  const deadline = Date.now() + 20000;
  while (!split() && Date.now() < deadline) await sleep(100);
  await Promise.all(members.map((c) => c.disconnect()));
  check(split(), `group split failed: ${owned[0]} / ${owned[1]}`);
  ok('consumer group: two members split two partitions');

  // 3 + 4. transactions with sendOffsets, read_committed
  await producer.send({ topic: t('txin'), acks: -1, messages: [{ partition: 0, value: 'in0' }, { partition: 0, value: 'in1' }] });
  const tp = kafka.producer({ transactionalId: `verify-tx-${run}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await tp.connect();
  const group = `verify-txg-${run}`;
  let txn = await tp.transaction();
  await txn.send({ topic: t('txout'), messages: [{ partition: 0, value: 'committed' }] });
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: t('txin'), partitions: [{ partition: 0, offset: '1' }] }] });
  await txn.commit();
  txn = await tp.transaction();
  await txn.send({ topic: t('txout'), messages: [{ partition: 0, value: 'aborted' }] });
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: t('txin'), partitions: [{ partition: 0, offset: '2' }] }] });
  await txn.abort();
  const committed = await admin.fetchOffsets({ groupId: group, topics: [t('txin')] });
  const p0 = committed[0].partitions.find((p) => p.partition === 0);
  check(p0.offset === '1', `transactional offsets: expected 1, got ${p0.offset}`);
  const seen = await consumeAll(`verify-rc-${run}`, t('txout'), 1);
  check(seen.length === 1 && seen[0] === 'committed', `read_committed saw ${JSON.stringify(seen)}`);
  ok('transaction: records + sendOffsets committed together; read_committed consumer sees them');
  ok('aborted transaction: record invisible to read_committed, its offsets not committed');
  const seenRU = await consumeAll(`verify-ru-${run}`, t('txout'), 2, { readUncommitted: true });
  check(seenRU.length === 2, `read_uncommitted should see the aborted record too, saw ${JSON.stringify(seenRU)}`);
  ok('read_uncommitted consumer does see the aborted record (isolation is real)');

  await tp.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin.disconnect();
  console.log(`all checks passed in ${((performance.now() - t0) / 1000).toFixed(1)}s against ${brokers.join(',')}`);
}

main().catch(async (err) => {
  console.error(`FAIL ${err?.message ?? err}`);
  await admin.disconnect().catch(() => {});
  process.exit(1);
});
