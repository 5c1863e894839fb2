// `vigil demo --fast` end to end: the OpenTelemetry JS SDK shop sends real OTLP/HTTP protobuf to
// the embedded pipeline; the bad payments deploy must be failed, alerted on and rolled back
// through the webhook hook, and neither clean deploy rolled back. No timing assertions (the
// demo's own 60 s target is loosened): this checks the chain of events, not its speed.
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { runDemo } from '@vigil/cli';

test('demo: bad deploy failed, alerted and rolled back; clean deploys kept', async () => {
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => { text += String(c); cb(); } });
  const result = await runDemo({ fast: true, targetS: 150, durationS: 170, out });
  try {
    const f = result.figures;
    expect(text).toMatch(/deployment seen: payments v2/);
    expect(text).toMatch(/verdict: payments v2 FAIL/);
    expect(text).toMatch(/alert sent \([a-z]+\): \[critical\] Deployment payments v2 failed verification/);
    expect(text).toMatch(/rollback hook called: payments v2 → v1/);
    expect(f.bad_deploy_to_rollback_s).not.toBeNull();
    expect(f.bad_deploy_to_recovery_s).not.toBeNull();
    expect(f.clean_deploys).toBe(2);
    expect(f.clean_deploys_rolled_back).toBe(0);
    // Both clean deploys reach a verdict within the run's verification window, and it is a pass.
    expect(f.clean_deploys_passed).toBe(2);
    // The last line is the JSON of the figures.
    const last = text.trimEnd().split('\n').at(-1) as string;
    expect(JSON.parse(last)).toEqual(f);
  } catch (err) {
    console.error(text);
    throw err;
  }
}, 200_000);
