// The Bus contract against a real Kafka broker (the integration global setup provides it),
// plus Kafka-only checks: Java-compatible partitioning with kafkajs' own partitioner, error
// mapping of real broker errors, and that the setup's broker reaches workers both ways.
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testBrokers, uniqueName } from '../../../infra/test/kafka.js';
import { createKafkaBus, type KafkaBus } from '../src/kafka-bus.js';
import { partitionForKey } from '../src/murmur2.js';
import { runBusContract } from './contract.js';

describe('global setup', () => {
  it('provides the brokers through inject() and process.env alike', () => {
    expect(testBrokers().length).toBeGreaterThan(0);
    expect(inject('kafkaBrokers')).toBe(process.env.KAFKA_BROKERS);
  });
});

runBusContract('kafka', () => createKafkaBus({ brokers: testBrokers(), clientId: 'bus-contract' }), {
  name: uniqueName,
  consumerDefaults: { sessionTimeoutMs: 6000 },
  waitMs: 60_000,
});

describe('kafka bus specifics', () => {
  let bus: KafkaBus;
  beforeAll(() => {
    bus = createKafkaBus({ brokers: testBrokers(), clientId: 'bus-specifics' });
  });
  afterAll(async () => {
    await bus.shutdown();
  });

  it("kafkajs' DefaultPartitioner (Java-compatible) agrees with partitionForKey", async () => {
    const topic = uniqueName('partitioner');
    await bus.ensureTopics([{ topic, partitions: 6 }]);
    const kafka = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = Array.from({ length: 30 }, (_, i) => `service-${i}`);
    const meta = await Promise.all(keys.map((key) => producer.send({ topic, messages: [{ key, value: 'x' }] })));
    await producer.disconnect();
    keys.forEach((key, i) => expect(meta[i][0].partition).toBe(partitionForKey(key, 6)));
  });

  it('maps a record over message.max.bytes to BUS_RECORD_TOO_LARGE (not retryable)', async () => {
    const topic = uniqueName('too-large');
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const producer = await bus.producer();
    await expect(producer.send([{ topic, value: Buffer.alloc(2 * 1024 * 1024, 1) }])).rejects.toMatchObject({
      code: 'BUS_RECORD_TOO_LARGE',
      retryable: false,
    });
    await producer.close();
  });

  it('creates compacted topics with cleanup.policy=compact', async () => {
    const topic = uniqueName('compacted');
    await bus.ensureTopics([{ topic, partitions: 2, compacted: true, retentionMs: 3_600_000 }]);
    await bus.ensureTopics([{ topic, partitions: 2, compacted: true }]); // idempotent
    const admin = await bus.admin();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    const entries = Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
  });

  it('readPartition reads one partition to its end, and nothing from an empty one', async () => {
    const topic = uniqueName('read-partition');
    await bus.ensureTopics([{ topic, partitions: 3 }]);
    const producer = await bus.producer();
    await producer.send([0, 1, 2, 0, 1, 2, 1].map((partition, i) => ({ topic, partition, value: Buffer.from(`v${i}`) })));
    const p1 = await bus.readPartition(topic, 1);
    expect(p1.map((r) => r.value!.toString())).toEqual(['v1', 'v4', 'v6']);
    expect(p1.map((r) => r.offset)).toEqual(['0', '1', '2']);
    const empty = uniqueName('read-empty');
    await bus.ensureTopics([{ topic: empty, partitions: 1 }]);
    expect(await bus.readPartition(empty, 0)).toEqual([]);
    await expect(bus.readPartition(topic, 3)).rejects.toMatchObject({ code: 'BUS_INVALID' });
    await producer.close();
  });

  it('fences an older transactional producer with the same transactionalId', async () => {
    const topic = uniqueName('fence');
    await bus.ensureTopics([{ topic, partitions: 1 }]);
    const id = uniqueName('fence-id');
    const old = await bus.producer({ transactionalId: id });
    const txn = await old.transaction();
    await txn.send([{ topic, value: Buffer.from('zombie') }]);
    const fresh = await bus.producer({ transactionalId: id }); // InitProducerId bumps the epoch
    await expect(txn.commit()).rejects.toMatchObject({ code: 'BUS_FENCED', retryable: false });
    const t2 = await fresh.transaction();
    await t2.send([{ topic, value: Buffer.from('ok') }]);
    await t2.commit();
    await old.close();
    await fresh.close();
  });

  it('reports an unreachable cluster as retryable BUS_UNAVAILABLE', async () => {
    const dead = createKafkaBus({ brokers: ['127.0.0.1:9'], connectionTimeoutMs: 200, logLevel: 'nothing' });
    await expect(dead.ensureTopics([{ topic: 'x', partitions: 1 }])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retryable: true });
    await dead.shutdown();
  });
});
