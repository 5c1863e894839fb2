import { expect, test } from 'vitest';
import { deploymentIdFor } from '@vigil/records';
import { FIRST_CONTACT_GRACE_MS, VersionTracker } from './version-tracker.js';

const T0 = 1_790_000_000_000;

test('first contact: the running version (and any met within the grace) is first seen; a later one is a deployment', () => {
  const t = new VersionTracker();
  expect(t.see('shop/cart', 'v1', T0)).toBe(false);
  expect(t.get('shop/cart')).toEqual({ id: deploymentIdFor('shop/cart', 'v1'), version: 'v1', sinceMs: T0, firstSeen: true });
  expect(t.deployed('shop/cart')).toBeUndefined();
  // A canary already serving when Vigil arrived.
  expect(t.see('shop/cart', 'v2-canary', T0 + 5_000)).toBe(false);
  expect(t.deployed('shop/cart')).toBeUndefined();
  // Traffic interleaves between the two: no deployment, the entries keep their times.
  expect(t.see('shop/cart', 'v1', T0 + 6_000)).toBe(false);
  expect(t.get('shop/cart')?.sinceMs).toBe(T0);
  // Deployed while Vigil watched.
  expect(t.see('shop/cart', 'v3', T0 + FIRST_CONTACT_GRACE_MS + 1)).toBe(true);
  expect(t.deployed('shop/cart')).toEqual({ id: deploymentIdFor('shop/cart', 'v3'), version: 'v3', sinceMs: T0 + FIRST_CONTACT_GRACE_MS + 1 });
  // Back to v1 (a rollback) and forth to v3 again: v3 keeps its deploy time, v1 stays first seen.
  expect(t.see('shop/cart', 'v1', T0 + 200_000)).toBe(false);
  expect(t.deployed('shop/cart')).toBeUndefined();
  expect(t.see('shop/cart', 'v3', T0 + 300_000)).toBe(false);
  expect(t.deployed('shop/cart')?.sinceMs).toBe(T0 + FIRST_CONTACT_GRACE_MS + 1);
  // The checkpoint round-trips.
  const back = VersionTracker.fromJSON(JSON.parse(JSON.stringify(t.toJSON())) as ReturnType<typeof t.toJSON>);
  expect(back.deployed('shop/cart')).toEqual(t.deployed('shop/cart'));
  expect(back.see('shop/cart', 'v1', T0 + 400_000)).toBe(false);
  expect(back.get('shop/cart')?.firstSeen).toBe(true);
});

test('a snapshot written before first contact existed is read as it was: the version in effect, deployed', () => {
  const old = [['payments', { id: deploymentIdFor('payments', 'v7'), version: 'v7', sinceMs: T0 }]] as const;
  const t = VersionTracker.fromJSON(JSON.parse(JSON.stringify(old)) as Parameters<typeof VersionTracker.fromJSON>[0]);
  expect(t.deployed('payments')).toEqual({ id: deploymentIdFor('payments', 'v7'), version: 'v7', sinceMs: T0 });
  expect(t.see('payments', 'v8', T0 + 10_000)).toBe(true);
});
