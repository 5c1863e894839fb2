import { describe, expect, it, inject } from 'vitest';
import { testBrokers } from '../../../infra/test/kafka.js';

describe('global setup', () => {
  it('provides brokers through inject and process.env alike', () => {
    expect(testBrokers().length).toBeGreaterThan(0);
    expect(inject('kafkaBrokers')).toBe(process.env.KAFKA_BROKERS);
  });
});
