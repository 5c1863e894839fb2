// Bus.readPartition on Kafka: one partition from its start to its end as of the call, read
// committed, outside any group of the caller (state restore).
import { BusError, toBusError } from './errors.js';
import { sleep } from './common.js';
import type { KafkaBus } from './kafka-bus.js';
import { toInRecord } from './kafka-records.js';
import type { InRecord } from './types.js';

export async function readWholePartition(bus: KafkaBus, topic: string, partition: number): Promise<InRecord[]> {
  const n = await bus.partitions(topic);
  if (!Number.isInteger(partition) || partition < 0 || partition >= n) {
    throw new BusError('BUS_INVALID', `readPartition: ${topic} has no partition ${partition} (it has ${n})`);
  }
  const admin = await bus.admin();
  let high: number;
  let low: number;
  // Right after a topic is created its leaders may still be moving ("not the leader for that
  // topic-partition"): such errors are retriable, so try again for a while before giving up.
  for (let attempt = 0; ; attempt++) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      const o = offsets.find((x) => x.partition === partition)!;
      high = Number(o.high);
      low = Number(o.low);
      break;
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true || /leader/i.test(String((err as Error).message));
      if (!retriable || attempt >= 40) throw toBusError(err, `readPartition offsets of ${topic}/${partition}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (high <= low) return [];
  // kafkajs only consumes through groups: a throwaway group that reads just this partition
  // (other partitions are paused on sight) up to the end offset taken above, then is deleted.
  const groupId = `vigil-read-${topic}-${partition}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const consumer = bus.kafka.consumer({
    groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
  });
  const records: InRecord[] = [];
  let reached = low - 1;
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const { topic: t, partition: p, lastOffset } = e.payload as { topic: string; partition: number; lastOffset: string };
    if (t === topic && p === partition) reached = Math.max(reached, Number(lastOffset));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.partition !== partition) {
          // Not resolved and paused: never fetched again (the group is thrown away).
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          return;
        }
        if (!payload.isRunning()) return;
        for (const m of batch.messages) {
          if (Number(m.offset) >= high) break;
          records.push(toInRecord(topic, partition, m));
        }
      },
    });
    const deadline = Date.now() + bus.options.requestTimeoutMs;
    while (reached < high - 1) {
      if (Date.now() > deadline) {
        throw new BusError('BUS_TIMEOUT', `readPartition ${topic}/${partition}: reached offset ${reached + 1} of ${high} in ${bus.options.requestTimeoutMs} ms`);
      }
      await sleep(20);
    }
    return records.filter((r) => Number(r.offset) < high);
  } catch (err) {
    throw toBusError(err, `readPartition ${topic}/${partition}`);
  } finally {
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
