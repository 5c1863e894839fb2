// The transactional loop against a real Kafka broker (the integration global setup provides it).
import { testBrokers, uniqueName } from '../../../infra/test/kafka.js';
import { createKafkaBus } from '../src/kafka-bus.js';
import { runTransactionalLoopContract } from './loop-contract.js';

runTransactionalLoopContract('kafka', () => createKafkaBus({ brokers: testBrokers(), clientId: 'loop-contract' }), { name: uniqueName, waitMs: 60_000 });
