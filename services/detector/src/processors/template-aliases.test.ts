// Template-id aliasing through the detector's logs processor: a template that generalises keeps
// the id it was published under, and raises no new-template anomaly; the live miner runs the
// evaluated default configuration.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@vigil/config';
import { DEFAULT_MINER_OPTIONS } from '@vigil/logtemplates';
import { decodeRecord } from '@vigil/records';
import type { AnomalyRecord, TemplateRecord } from '@vigil/records';
import { authLogs as logs } from './auth-logs.test-util.js';
import { LogsProcessor, createProcessor } from './processors.js';
import { TemplateIdAliases } from './template-aliases.js';

const config = parseConfig({});
const ctx = { detector: config.detector, topics: config.topics };
const HOUR = 3_600_000;


function decodeAll(p: LogsProcessor, bytes: Uint8Array) {
  const recs = p.process(bytes).map((o) => decodeRecord(o.value));
  return {
    anomalies: recs.filter((r): r is AnomalyRecord => r.schema === 'vigil.anomaly/1' && r.metric === 'new_log_template'),
    templates: recs.filter((r): r is TemplateRecord => r.schema === 'vigil.template/1'),
  };
}

describe('template-id aliasing in the logs processor', () => {
  it('a template that generalises after a deployment keeps its id and raises no new-template anomaly', () => {
    const p = new LogsProcessor(ctx);
    const t0 = 1_700_000_000_000;
    // Before the deployment: three users (three templates: a pair or three words are not yet a slot)
    // and an address-shaped slot.
    const before = decodeAll(p, logs('1.0.0', t0, [
      ['session closed for user alice', 9], ['session closed for user bob', 9], ['session closed for user carol', 9],
      ['synchronized to 10.0.0.1, stratum 3', 9], ['connected to gateway, retries 3', 9],
    ]));
    const aliceId = before.templates.find((t) => t.template === 'session closed for user alice')?.templateId;
    const gatewayId = before.templates.find((t) => t.template === 'connected to gateway, retries <*>')?.templateId;
    const ntpId = before.templates.find((t) => t.template === 'synchronized to <*>, stratum <*>')?.templateId;
    expect(aliceId && gatewayId && ntpId).toBeTruthy();

    // A deployment, then ERROR lines of the same events with slots of other shapes: a fourth user
    // generalises `user <*>`, an IP generalises `connected to <*>`, `LOCAL(0)` stands where an
    // address stood. None of them is new.
    const after = decodeAll(p, logs('2.0.0', t0 + 2 * HOUR, [
      ['session closed for user dave', 17], ['session closed for user erin', 17],
      ['connected to 10.1.2.3, retries 2', 17], ['synchronized to LOCAL(0), stratum 10', 17],
      ['session closed for user alice', 17],
    ]));
    expect(after.anomalies).toEqual([]);
    expect(after.templates.filter((t) => t.isNew)).toEqual([]);

    // A genuinely new error event after the deployment is still flagged (the test can fail).
    const fresh = decodeAll(p, logs('2.0.0', t0 + 2 * HOUR + 100, [['payment provider rejected the request', 17]]));
    expect(fresh.anomalies.length).toBe(1);

    // The window counts are published under the ids seen before the merge.
    const closed = decodeAll(p, logs('2.0.0', t0 + 3 * HOUR, [['heartbeat ok', 9]]));
    const byText = new Map(closed.templates.filter((t) => !t.isNew && t.windowStartMs >= t0 + 2 * HOUR - 60_000).map((t) => [t.template, t]));
    expect(byText.get('session closed for user <*>')?.templateId).toBe(aliceId);
    expect(byText.get('session closed for user <*>')?.count).toBe(3);
    expect(byText.get('connected to <*>, retries <*>')?.templateId).toBe(gatewayId);
    expect(byText.get('synchronized to <*>, stratum <*>')?.templateId).toBe(ntpId);

    // And across a restart (checkpoint), the aliases hold.
    const restored = createProcessor('logs', ctx, JSON.parse(JSON.stringify(p.toJSON()))) as LogsProcessor;
    const again = decodeAll(restored, logs('2.0.0', t0 + 4 * HOUR, [['session closed for user frank', 17], ['heartbeat ok', 9]]));
    expect(again.anomalies).toEqual([]);
    const later = decodeAll(restored, logs('2.0.0', t0 + 5 * HOUR, [['heartbeat ok', 9]]));
    expect(later.templates.find((t) => t.template === 'session closed for user <*>')?.templateId).toBe(aliceId);
  });

  it('the live miner runs the evaluated default configuration', () => {
    const p = new LogsProcessor(ctx);
    const o = p.minerOptions;
    // Only the window and the template cap come from the detector's own config (bookkeeping,
    // not clustering); every clustering constant is the one eval:loghub selects and scores.
    for (const key of ['generaliseAfterValues', 'minContextWords', 'maxSpanTokens', 'maskQuotedText', 'maxTokensPerLine', 'maxAliasesPerService'] as const) {
      expect({ key, value: o[key] }).toEqual({ key, value: DEFAULT_MINER_OPTIONS[key] });
    }
    expect(o.windowMs).toBe(config.detector.windowMs);
  });

  it('aliases are bounded and follow chains of merges to the oldest id', () => {
    const a = new TemplateIdAliases([], 3);
    a.merge({ service: 's', templateId: 'g1', template: 'x <*>', mergedIds: ['a', 'b'], created: true });
    expect(a.publish('s', 'g1')).toBe('a');
    // the same text (same id) in another service is another template
    expect(a.publish('other', 'g1')).toBe('g1');
    a.merge({ service: 's', templateId: 'g2', template: '<*> <*>', mergedIds: ['g1', 'c'], created: true });
    expect(a.publish('s', 'g2')).toBe('a');
    expect(a.size).toBeLessThanOrEqual(3);
    // an existing survivor keeps its own id
    a.merge({ service: 's', templateId: 'k', template: 'k <*>', mergedIds: ['m'], created: false });
    expect(a.publish('s', 'k')).toBe('k');
    expect(a.publish('s', 'm')).toBe('k');
    expect(a.isAlias('s', 'm')).toBe(true);
    expect(a.isAlias('other', 'm')).toBe(false);
  });
});
