// Template-id aliasing through the detector, against the real broker: OTLP log records go to the
// logs topic; the detector (in process, Kafka transactions) mines them. After a deployment, ERROR
// lines of known events whose variable slots take other shapes (a fifth user name, an IP where a
// host name stood, `LOCAL(0)` where an IP stood) generalise their templates: no new-template
// anomaly, and the window counts keep the template ids published before. A genuinely new ERROR
// event after the deployment is still flagged.
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { parseConfig, topicDefinitions } from '@vigil/config';
import { decodeRecord, OTLP_KEYED_MARKER, RECORD_KIND_HEADER } from '@vigil/records';
import type { AnomalyRecord, TemplateRecord } from '@vigil/records';
import { createTelemetry } from '@vigil/telemetry';
import { readTopics, suiteBus } from '../../../test/support/kafka-io.js';
import { createDetector } from '../src/pipeline.js';
import { authLogs } from '../src/processors/auth-logs.test-util.js';

const logs = (version: string, timeMs: number, lines: Array<[string, number]>): Buffer => Buffer.from(authLogs(version, timeMs, lines));

const HOUR = 3_600_000;
const T0 = Date.now() - 6 * HOUR;

const { brokers, run, bus } = suiteBus('tpl-alias');

describe('template-id aliasing through the detector (real broker)', () => {
  test('a generalised template keeps its id and raises no new-template anomaly', async () => {
    const topics = Object.fromEntries(
      ['spans', 'metrics', 'logs', 'deployments', 'scores', 'anomalies', 'verdicts', 'templates', 'alerts', 'rollbacks', 'deadLetter', 'detectorState', 'alerterState', 'ciTestRuns']
        .map((k) => [k, `${run}-${k}`]),
    );
    const config = parseConfig({
      bus: { kind: 'kafka', kafka: { brokers } },
      topics: { ...topics, partitions: 1 },
      detector: { groupId: `${run}-detector`, commitIntervalMs: 200 },
    });
    await bus.ensureTopics(topicDefinitions(config));
    const producer = await bus.producer();
    // Records as Vigil's collector writes them (one resource, keyed by service, marked): without the
    // marker the detector would leave them to the rekey stage, which this test does not run.
    const marked = { [RECORD_KIND_HEADER]: OTLP_KEYED_MARKER };
    await producer.send([
      { topic: config.topics.logs, key: 'auth', value: logs('1.0.0', T0, [
        ['session closed for user alice', 9], ['session closed for user bob', 9], ['session closed for user carol', 9],
        ['synchronized to 10.0.0.1, stratum 3', 9], ['connected to gateway, retries 3', 9],
      ]) },
      { topic: config.topics.logs, key: 'auth', value: logs('2.0.0', T0 + 2 * HOUR, [
        ['session closed for user dave', 17], ['session closed for user erin', 17], ['connected to 10.1.2.3, retries 2', 17],
        ['synchronized to LOCAL(0), stratum 10', 17], ['session closed for user alice', 17],
      ]) },
      { topic: config.topics.logs, key: 'auth', value: logs('2.0.0', T0 + 2 * HOUR + 100, [['payment provider rejected the request', 17]]) },
      // Later event time: the watermark closes the windows above.
      { topic: config.topics.logs, key: 'auth', value: logs('2.0.0', T0 + 3 * HOUR, [['heartbeat ok', 9]]) },
    ].map((r) => ({ ...r, headers: marked })));
    await producer.close();

    const silent = new Writable({ write: (_c, _e, cb) => cb() });
    const telemetry = createTelemetry({ service: 'detector-test', destination: silent, processMetrics: false });
    const detector = createDetector({ config, bus, telemetry });
    await detector.start();
    let templates: TemplateRecord[] = [];
    let anomalies: AnomalyRecord[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const recs = await readTopics(bus, [config.topics.templates, config.topics.anomalies]);
      templates = recs.filter((r) => r.topic === config.topics.templates && r.value).map((r) => decodeRecord(r.value as Buffer, 'vigil.template/1'));
      anomalies = recs.filter((r) => r.topic === config.topics.anomalies && r.value).map((r) => decodeRecord(r.value as Buffer, 'vigil.anomaly/1'));
      const closedAfterDeploy = templates.some((t) => !t.isNew && t.windowStartMs >= T0 + 2 * HOUR - 60_000 && t.template === 'session closed for user <*>');
      if (closedAfterDeploy || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await detector.shutdown();

    const firstId = (text: string): string | undefined => templates.find((t) => t.isNew && t.template === text)?.templateId;
    const aliceId = firstId('session closed for user alice');
    const gatewayId = firstId('connected to gateway, retries <*>');
    const ntpId = firstId('synchronized to <*>, stratum <*>');
    expect(aliceId && gatewayId && ntpId).toBeTruthy();

    const newTemplateAnomalies = anomalies.filter((a) => a.metric === 'new_log_template');
    expect(newTemplateAnomalies.map((a) => a.summary)).toEqual([expect.stringContaining('payment provider rejected the request')]);

    const afterDeploy = templates.filter((t) => !t.isNew && t.windowStartMs >= T0 + 2 * HOUR - 60_000);
    const byText = new Map(afterDeploy.map((t) => [t.template, t]));
    expect(byText.get('session closed for user <*>')?.templateId).toBe(aliceId);
    expect(byText.get('session closed for user <*>')?.count).toBe(3);
    expect(byText.get('connected to <*>, retries <*>')?.templateId).toBe(gatewayId);
    expect(byText.get('synchronized to <*>, stratum <*>')?.templateId).toBe(ntpId);
    // Nothing after the deployment was announced as a new template but the new event. (The
    // 'heartbeat ok' line that only moves the watermark is new too; whether its window is published
    // before the loop above stops is a race, so it is left out.)
    const announced = templates.filter((t) => t.isNew && t.firstSeenMs >= T0 + 2 * HOUR && t.template !== 'heartbeat ok');
    expect(announced.map((t) => t.template)).toEqual(['payment provider rejected the request']);
  });
});
