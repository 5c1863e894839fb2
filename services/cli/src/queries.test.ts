import { describe, expect, test } from 'vitest';
import { capacityRow, VIEWS } from './queries.js';

// `vigil capacity [service]` renders GET /v1/capacity (services/query/src/api/forecast-routes.ts);
// the end-to-end run against the embedded pipeline is test/e2e/forecast.test.ts.
describe('vigil capacity', () => {
  const entry = {
    service: 'checkout',
    cpu: { metric: 'k8s.pod.cpu.usage', request: 2.4, riskShort: 0.0312, expectedSlack: 0.5, replicas: 4, why: 'cpu why' },
    memory: { metric: 'k8s.pod.memory.working_set', request: 512 * 1024 * 1024, riskShort: 0.004, expectedSlack: 64 * 1024 * 1024 },
    replicas: 4, load: { metric: 'rate', nextHourPeak: { mean: 61, hi95: 63 } }, why: 'cpu: a; memory: b',
  };

  test('one row per service: requests, replicas, shortfall risk, waste, load peak, why', () => {
    expect(capacityRow(entry)).toEqual({
      service: 'checkout', cpu: 2.4, replicas: 4, cpuRisk: 0.0312, cpuWaste: 0.5, memory: 512 * 1024 * 1024, memoryRisk: 0.004,
      memoryWaste: 64 * 1024 * 1024, load: 61, why: 'cpu: a; memory: b',
    });
    const text = VIEWS.capacity.render([entry, { service: 'search', cpu: null, memory: null, replicas: null, load: null, why: 'cpu: no forecast yet' }]);
    const [head, , checkout, search] = text.split('\n');
    expect(head).toMatch(/^SERVICE\s+CPU REQUEST\s+REPLICAS\s+CPU SHORT\s+CPU WASTE\s+MEMORY REQUEST\s+MEM SHORT\s+MEM WASTE\s+RATE PEAK 1H\s+WHY$/);
    expect(checkout).toMatch(/^checkout\s+2\.40\s+4\s+3\.12 %\s+0\.500\s+512\.0 MiB\s+0\.40 %\s+64\.0 MiB\s+61\.00\s+cpu: a; memory: b$/);
    expect(search).toMatch(/^search\s+cpu: no forecast yet$/);
    expect(VIEWS.capacity.path).toBe('/v1/capacity');
  });
});
