import { describe, expect, it } from 'vitest';
import { EngineOutbox } from './engine-outbox.js';
import { EngineState } from './engine-state.js';
import { newAlert } from './alert-lifecycle.js';
import { T0, testAnomaly, testRule } from './unit-fixtures.test-util.js';
import type { SilenceState } from './types.js';

const silence = (id: string): SilenceState => ({ type: 'silence', id, matchers: [], startsAtMs: T0, endsAtMs: T0 + 1, createdBy: 'me', comment: '', createdAtMs: T0 });

describe('engine state checkpointing', () => {
  it('drains exactly the changed keys, as copies, with null for deleted ones, once', () => {
    const s = new EngineState();
    s.silences.set('s1', silence('s1'));
    s.mark('silence', 's1');
    s.mark('verdict', 'gone');
    expect(s.changed).toBe(true);
    const out = s.drain();
    expect(out).toEqual([{ key: 'silence:s1', value: silence('s1') }, { key: 'verdict:gone', value: null }]);
    (out[0].value as SilenceState).comment = 'changed after the drain';
    expect(s.silences.get('s1')!.comment).toBe('');
    expect(s.drain()).toEqual([]);
    expect(s.changed).toBe(false);
  });

  it('restores entries by key (ids may contain colons), deletes on null, ignores unknown kinds; snapshot lists them', () => {
    const s = new EngineState();
    s.restore('silence:a:b', silence('a:b'));
    s.restore('nonsense:x', silence('x'));
    expect(s.snapshot()).toEqual([['silence:a:b', silence('a:b')]]);
    s.restore('silence:a:b', null);
    expect(s.snapshot()).toEqual([]);
    expect(s.changed).toBe(false); // restoring is not a change to write back
  });
});

describe('engine outbox', () => {
  it('an alert changed twice goes out once, as it is at the drain; a replaced incident goes out first as it was', () => {
    const o = new EngineOutbox();
    const alerts = new Map();
    const rule = testRule();
    const first = newAlert('al', 0, rule, { service: 'checkout' }, testAnomaly('a1', T0), T0);
    alerts.set('al', first);
    o.markRecord(first);
    first.summary = 'later';
    o.markRecord(first);
    expect(o.hasRecords).toBe(true);
    const next = newAlert('al', 1, rule, { service: 'checkout' }, testAnomaly('a2', T0), T0 + 1);
    o.closeIncident(first);
    alerts.set('al', next);
    o.markRecord(next);
    const records = o.drainAlertRecords(alerts);
    expect(records.map((r) => [r.incidentId, r.summary])).toEqual([[first.incidentId, 'later'], [next.incidentId, '']]);
    expect(o.hasRecords).toBe(false);
    o.markRecord(next);
    o.forgetRecord('al');
    expect(o.drainAlertRecords(alerts)).toEqual([]);
  });
});
