import { expect, test } from 'vitest';
import { VersionTracker } from './version-tracker.js';

test('the first version of a (service, environment) is first seen; a later one is a deployment; forgetting re-emits', () => {
  const t = new VersionTracker(100);
  expect(t.observe('shop/inventory', 'v1', 'prod')).toBe('first-seen');
  expect(t.observe('shop/inventory', 'v1', 'prod')).toBe('known');
  // The same service met in another environment: first contact there too.
  expect(t.observe('shop/inventory', 'v1', 'staging')).toBe('first-seen');
  expect(t.observe('shop/inventory', 'v2', 'prod')).toBe('new-version');
  // v2's event was not acknowledged: the next request emits it again, still as a deployment.
  t.forget('shop/inventory', 'v2', 'prod');
  expect(t.observe('shop/inventory', 'v2', 'prod')).toBe('new-version');
  // A first-seen event that was not acknowledged is emitted again as first seen.
  expect(t.observe('cart', 'v7', '')).toBe('first-seen');
  t.forget('cart', 'v7', '', true);
  expect(t.observe('cart', 'v7', '')).toBe('first-seen');
});
