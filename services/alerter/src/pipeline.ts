// The alerter's wiring (the only place its stages meet):
//   state topic ──read to the end──▶ engine (rebuild)
//   anomalies · verdicts · deployments ──consumer group──▶ engine
//   engine ──transaction{state, alert records, rollback records, consumed offsets}──▶ bus
//   then: notification intents ──Deliverer (rate limit, breaker, retries)──▶ receivers
//         rollback requests ──RollbackExecutor──▶ hooks;  outcomes ──▶ engine ──▶ bus again
//   timers (tick) ──▶ engine; HTTP API: /metrics, silences, alerts, deployment gate.
// Order matters: every engine change is persisted before anything it implies is sent or run,
// so a restart finds either "not yet decided" (decided again, identically) or "decided"
// (delivered with the same dedup key, or for a rollback: never run twice).
import { performance } from 'node:perf_hooks';
import type { Bus, Consumer, InBatch, OutRecord, PartitionOffset, Producer } from '@vigil/bus';
import { topicDefinitions } from '@vigil/config';
import type { AlerterConfig, AlerterServiceConfig, TopicsConfig } from '@vigil/config';
import { RecordDecodeError, decodeRecord, encodeRecord } from '@vigil/records';
import { startAdminServer } from '@vigil/telemetry';
import type { RunningServer, Telemetry } from '@vigil/telemetry';
import { PAGERDUTY_WEBHOOK_PATH, incidentRoutes } from './api/incident-routes.js';
import { apiRoutes } from './api/routes.js';
import { gateRoutes } from './gate/gate.js';
import { IncidentMemory } from './incidents/memory.js';
import { AlertEngine } from './lifecycle/engine.js';
import type { ReceiverPolicy } from './lifecycle/engine.js';
import type { ChangeIntent, NotificationIntent, StateValue } from './lifecycle/types.js';
import { Deliverer, systemClock } from './receivers/delivery.js';
import type { Clock, DeliveryResult, Fetch } from './receivers/delivery.js';
import { createReceiver } from './receivers/receivers.js';
import type { Receiver } from './receivers/types.js';
import { RollbackExecutor } from './rollback/executor.js';
import { compileRules } from './rules/rules.js';
import { SLACK_PATHS, SlackApp } from './slack/app.js';

export interface AlerterDeps {
  /** The alerter section, topics and the shared feedback model (alerterConfigOf). */
  config: AlerterServiceConfig;
  bus: Bus;
  telemetry: Telemetry;
  /** Wall clock for the lifecycle (default Date.now); tests pass a fake. */
  now?: () => number;
  /** Clock for delivery waits (sleep, jitter); default real timers and Math.random. */
  deliveryClock?: Clock;
  fetch?: Fetch;
  /** Start the HTTP API (default true). */
  api?: boolean;
  /** Told about every finished notification (benchmarks, tests). */
  onNotification?: (intent: NotificationIntent, result: DeliveryResult, latencyMs: number | undefined) => void;
}

export interface Alerter {
  start(): Promise<void>;
  /** Idempotent: stops input and timers, waits for deliveries until the deadline, persists, closes. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** Run the timers now (tests). */
  tick(): Promise<void>;
  /** Resolves when no delivery, rollback or write is under way (tests, bench). */
  idle(): Promise<void>;
  readonly engine: AlertEngine;
  /** Similar past incidents, resolutions, feedback (incident memory). */
  readonly memory: IncidentMemory;
  /** The API port once started (0 when the API is off). */
  readonly apiPort: number;
  /** "Ask Vigil" (alerter.slack.enabled), undefined when off. */
  readonly slack?: SlackApp;
  ready(): boolean;
}

export function createAlerter(deps: AlerterDeps): Alerter {
  return new AlerterPipeline(deps);
}

class AlerterPipeline implements Alerter {
  readonly engine: AlertEngine;
  readonly memory: IncidentMemory;
  readonly slack?: SlackApp;
  private readonly cfg: AlerterConfig;
  private readonly topics: TopicsConfig;
  private readonly now: () => number;
  private readonly receivers = new Map<string, { receiver: Receiver; deliverer: Deliverer }>();
  private readonly rollbackExecutor: RollbackExecutor;
  private producer?: Producer;
  private consumer?: Consumer;
  private server?: RunningServer;
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private shutdownPromise?: Promise<void>;
  private writeChain: Promise<void> = Promise.resolve();
  private unsent: OutRecord[] = [];
  private readonly busy = new Set<Promise<unknown>>();
  /** performance.now() when the input that made an alert fire was consumed (latency metric). */
  private readonly consumedAt = new Map<string, number>();
  private readonly m;

  constructor(private readonly deps: AlerterDeps) {
    this.cfg = deps.config.alerter;
    this.topics = deps.config.topics;
    this.now = deps.now ?? Date.now;
    // Slack interactivity configured: Slack notifications carry action buttons instead of URL-only ones.
    const links = { grafanaUrl: this.cfg.links.grafanaUrl, apiUrl: this.cfg.links.apiUrl, slackInteractive: this.cfg.slack.enabled };
    const policies: Record<string, ReceiverPolicy> = {};
    const t = deps.telemetry;
    this.m = {
      notifications: t.counter('vigil_alerter_notifications_total', 'Notification series by receiver, action and outcome', ['receiver', 'kind', 'action', 'status']),
      attempts: t.counter('vigil_alerter_delivery_attempts_total', 'HTTP attempts by receiver and result', ['receiver', 'result']),
      latency: t.histogram('vigil_alerter_notification_latency_seconds', 'From the input consumed to the first notification sent', ['receiver']),
      breaker: t.gauge('vigil_alerter_circuit_open', '1 while the receiver circuit breaker is open', ['receiver']),
      alerts: t.gauge('vigil_alerter_alerts', 'Alerts by status', ['status']),
      inputs: t.counter('vigil_alerter_inputs_total', 'Input records by topic and result', ['topic', 'result']),
      rollbacks: t.counter('vigil_alerter_rollbacks_total', 'Rollbacks by result', ['result', 'dry_run']),
      writeFailures: t.counter('vigil_alerter_write_failures_total', 'Failed writes to the bus (retried)'),
      feedbackSuppressed: t.counter('vigil_alerter_feedback_suppressed_total', 'Anomalies judged benign by operator feedback'),
    };
    for (const rc of this.cfg.receivers) {
      const receiver = createReceiver(rc, links);
      const deliverer = new Deliverer(rc.delivery, deps.deliveryClock ?? systemClock, deps.fetch ?? fetch, (r) => {
        this.m.attempts.inc({ receiver: rc.name, result: r.kind });
      });
      this.receivers.set(rc.name, { receiver, deliverer });
      policies[rc.name] = receiver.policy;
    }
    const d = this.cfg.defaults;
    this.engine = new AlertEngine({
      rules: compileRules(this.cfg.rules, d),
      receivers: policies,
      retainResolvedMs: d.retainResolvedMs,
      defaults: { repeatIntervalMs: d.repeatIntervalMs, resolveAfterMs: d.resolveAfterMs, flapWindowMs: d.flapWindowMs },
      deployments: { ...this.cfg.deployments },
      rollback: { ...this.cfg.rollback },
    });
    this.memory = new IncidentMemory(this.cfg.incidents, deps.config.feedback);
    if (this.cfg.slack.enabled) {
      this.slack = new SlackApp({
        config: this.cfg.slack, engine: this.engine, memory: this.memory, telemetry: deps.telemetry, now: this.now, fetch: deps.fetch,
        persist: () => this.persistAndDispatch(), track: (p) => this.track(p),
      });
    }
    this.rollbackExecutor = new RollbackExecutor({ hooks: this.cfg.rollback.hooks, dryRun: this.cfg.rollback.dryRun, now: this.now, fetch: deps.fetch });
  }

  get apiPort(): number {
    return this.server?.port ?? 0;
  }

  ready(): boolean {
    return this.started && !this.stopping;
  }

  async start(): Promise<void> {
    const { bus, telemetry } = this.deps;
    const tp = this.topics;
    const n = tp.partitions;
    await bus.ensureTopics(topicDefinitions(this.deps.config, ['anomalies', 'verdicts', 'deployments', 'alerts', 'rollbacks', 'alerterState', 'incidents', 'feedback']));
    // Rebuild from the compacted state topic, read to its end, before consuming any input.
    let restored = 0;
    for (let p = 0; p < n; p++) {
      for (const r of await bus.readPartition(tp.alerterState, p)) {
        if (!r.key) continue;
        let value: StateValue | null = null;
        try {
          value = r.value ? (JSON.parse(r.value.toString('utf8')) as StateValue) : null;
        } catch {
          telemetry.event('alerter_state_invalid', { partition: p, offset: r.offset }, 'warn');
          continue;
        }
        const key = r.key.toString('utf8');
        if (!this.memory.restore(key, value)) this.engine.restore(key, value);
        restored++;
      }
    }
    this.engine.afterRestore(this.now());
    this.memory.afterRestore(this.now());
    this.producer = await bus.producer(this.cfg.transactions ? { transactionalId: this.cfg.transactionalId } : {});
    await this.persist();
    telemetry.event('alerter_state_restored', { entries: restored, alerts: this.engine.listAlerts().length });

    if (this.deps.api !== false) {
      this.server = await startAdminServer({
        telemetry,
        listener: this.cfg.api,
        ready: () => this.ready(),
        // The PagerDuty webhook carries its own authentication (X-PagerDuty-Signature).
        openPaths: ['/v1/gate/flagger', PAGERDUTY_WEBHOOK_PATH, ...(this.slack ? Object.values(SLACK_PATHS) : [])],
        routes: [
          ...gateRoutes({ engine: this.engine, bearerTokens: this.cfg.api.auth.bearerTokens, now: this.now }),
          ...apiRoutes({ engine: this.engine, now: this.now, persist: () => this.persistAndDispatch() }),
          ...incidentRoutes({
            engine: this.engine, memory: this.memory, now: this.now, persist: () => this.persistAndDispatch(),
            pagerdutySecret: this.cfg.incidents.pagerduty.signingSecret,
          }),
          // Slack's requests carry their own authentication (X-Slack-Signature), verified in the app.
          ...(this.slack ? this.slack.routes() : []),
        ],
      });
    }
    this.consumer = bus.consumer({
      groupId: this.cfg.groupId,
      topics: [tp.anomalies, tp.verdicts, tp.deployments],
      fromBeginning: true,
      onError: (err, batch) => telemetry.event('alerter_batch_failed', { topic: batch.topic, partition: batch.partition, err: (err as Error).message }, 'warn'),
    });
    await this.consumer.run((batch) => this.onBatch(batch));
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => telemetry.event('alerter_tick_failed', { err: (err as Error).message }, 'warn'));
    }, this.cfg.tickIntervalMs);
    this.timer.unref?.();
    this.started = true;
    telemetry.event('alerter_started', { port: this.apiPort, receivers: [...this.receivers.keys()], rules: this.cfg.rules.length });
    this.dispatch();
  }

  private async onBatch(batch: InBatch): Promise<void> {
    if (this.stopping) throw new Error('stopping'); // not committed: delivered again after the restart
    // Monotonic processing time for the latency metric only (telemetry); the lifecycle uses this.now().
    const t0 = performance.now();
    const now = this.now();
    const tp = this.topics;
    for (const r of batch.records) {
      try {
        if (batch.topic === tp.anomalies) {
          const a = decodeRecord(r.value, 'vigil.anomaly/1');
          this.memory.observe(a);
          const suppressedBy = this.memory.screen(a, now, this.engine);
          if (suppressedBy) this.m.feedbackSuppressed.inc();
          this.engine.onAnomaly(a, now, suppressedBy);
        }
        else if (batch.topic === tp.verdicts) this.engine.onVerdict(decodeRecord(r.value, 'vigil.verdict/1'), now);
        else if (batch.topic === tp.deployments) this.engine.onDeployment(decodeRecord(r.value, 'vigil.deployment/1'), now);
        this.m.inputs.inc({ topic: batch.topic, result: 'ok' });
      } catch (err) {
        if (!(err instanceof RecordDecodeError)) throw err;
        // Bad input is counted and skipped, never retried forever (it would block the partition).
        this.m.inputs.inc({ topic: batch.topic, result: 'invalid' });
      }
    }
    const last = batch.records[batch.records.length - 1];
    const offsets = last ? [{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] : [];
    await this.persist(offsets);
    this.dispatch(t0);
  }

  async tick(): Promise<void> {
    if (this.stopping) return;
    this.engine.tick(this.now());
    const counts = { pending: 0, firing: 0, resolved: 0 };
    for (const a of this.engine.listAlerts()) counts[a.status]++;
    for (const [status, v] of Object.entries(counts)) this.m.alerts.set({ status }, v);
    for (const [name, { deliverer }] of this.receivers) this.m.breaker.set({ receiver: name }, deliverer.breaker.open ? 1 : 0);
    await this.persistAndDispatch();
  }

  private async persistAndDispatch(): Promise<void> {
    await this.persist();
    this.dispatch();
  }

  /** Write the engine's changes (and consumed offsets) in one transaction; serialised. */
  private persist(offsets: PartitionOffset[] = []): Promise<void> {
    const run = this.writeChain.then(() => this.write(offsets));
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async write(offsets: PartitionOffset[]): Promise<void> {
    const tp = this.topics;
    // Incident memory first: it annotates alerts (similar incidents) before their state is drained.
    this.memory.sync(this.engine, this.now());
    const records: OutRecord[] = [...this.unsent];
    this.unsent = [];
    for (const { key, value } of this.engine.drainState()) {
      records.push({ topic: tp.alerterState, key, value: value ? Buffer.from(JSON.stringify(value), 'utf8') : null });
    }
    for (const { key, value } of this.memory.drainState()) {
      records.push({ topic: tp.alerterState, key, value: value ? Buffer.from(JSON.stringify(value), 'utf8') : null });
    }
    for (const rec of this.engine.drainAlertRecords()) records.push({ topic: tp.alerts, key: rec.service, value: encodeRecord(rec) });
    for (const rec of this.memory.drainRecords()) {
      const topic = rec.schema === 'vigil.incident/1' ? tp.incidents : tp.feedback;
      records.push({ topic, key: rec.service, value: encodeRecord(rec) });
    }
    for (const rec of this.engine.drainRollbackRecords()) {
      records.push({ topic: tp.rollbacks, key: rec.service, value: encodeRecord(rec) });
      this.m.rollbacks.inc({ result: rec.result, dry_run: String(rec.dryRun) });
    }
    if (records.length === 0 && offsets.length === 0) return;
    const producer = this.producer;
    if (!producer) {
      this.unsent = records;
      return;
    }
    try {
      if (this.cfg.transactions) {
        const tx = await producer.transaction();
        try {
          if (records.length) await tx.send(records);
          if (offsets.length) await tx.sendOffsets(this.cfg.groupId, offsets);
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
      } else {
        if (records.length) await producer.send(records);
        if (offsets.length) await this.consumer?.commit(offsets);
      }
    } catch (err) {
      // Keep what was not written: it goes out with the next write (the batch is redelivered).
      this.unsent = [...records, ...this.unsent];
      this.m.writeFailures.inc();
      this.deps.telemetry.event('alerter_write_failed', { err: (err as Error).message, records: records.length }, 'warn');
      throw err;
    }
  }

  /** Start what the persisted changes imply: notifications, change events, rollbacks. */
  private dispatch(t0?: number): void {
    if (this.stopping) return;
    const now = this.now();
    for (const intent of this.engine.reconcile(now)) {
      if (intent.action === 'trigger' && t0 !== undefined && !this.consumedAt.has(intent.alert.incidentId)) this.consumedAt.set(intent.alert.incidentId, t0);
      this.track(this.deliver(intent));
    }
    for (const change of this.engine.drainChanges()) this.track(this.deliverChange(change));
    for (const req of this.engine.drainRollbackRequests()) {
      this.track((async () => {
        const outcome = await this.rollbackExecutor.run(req);
        this.deps.telemetry.event('alerter_rollback', { service: req.service, version: req.version, deploymentId: req.deploymentId, result: outcome.result, dryRun: outcome.dryRun, hook: outcome.hook }, outcome.result === 'failed' ? 'warn' : 'info');
        this.engine.finishRollback(req.deploymentId, outcome, this.now());
        await this.persistAndDispatch();
      })());
    }
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err: unknown) => this.deps.telemetry.event('alerter_task_failed', { err: (err as Error).message }, 'warn')).finally(() => this.busy.delete(q));
    this.busy.add(q);
  }

  private async deliver(intent: NotificationIntent): Promise<void> {
    const entry = this.receivers.get(intent.receiver);
    let result: DeliveryResult;
    if (!entry) result = { status: 'failed', attempts: 0, error: 'receiver not configured' };
    else if (entry.receiver.build(intent, this.now()) === null) result = { status: 'sent', attempts: 0 };
    else {
      result = await entry.deliverer.deliver(() => entry.receiver.build(intent, this.now())!, () => this.stopping);
      this.m.breaker.set({ receiver: intent.receiver }, entry.deliverer.breaker.open ? 1 : 0);
    }
    if (this.stopping && result.status === 'failed') return; // not recorded: re-sent after the restart
    this.m.notifications.inc({ receiver: intent.receiver, kind: entry?.receiver.kind ?? 'unknown', action: intent.action, status: result.status });
    let latencyMs: number | undefined;
    const t0 = this.consumedAt.get(intent.alert.incidentId);
    if (intent.action === 'trigger' && t0 !== undefined && result.status === 'sent') {
      latencyMs = performance.now() - t0;
      this.m.latency.observe({ receiver: intent.receiver }, latencyMs / 1000);
    }
    if (intent.action === 'resolve') this.consumedAt.delete(intent.alert.incidentId);
    if (result.status === 'failed') {
      this.deps.telemetry.event('alerter_notification_failed', { receiver: intent.receiver, action: intent.action, alertId: intent.alert.id, attempts: result.attempts, error: result.error }, 'warn');
    }
    this.deps.onNotification?.(intent, result, latencyMs);
    this.engine.onDelivery(intent, { status: result.status, attempts: result.attempts, error: result.error }, this.now());
    await this.persistAndDispatch();
  }

  private async deliverChange(change: ChangeIntent): Promise<void> {
    for (const [name, { receiver, deliverer }] of this.receivers) {
      if (!receiver.policy.changes) continue;
      const spec = receiver.buildChange(change, this.now());
      if (!spec) continue;
      const result = await deliverer.deliver(() => receiver.buildChange(change, this.now())!, () => this.stopping);
      this.m.notifications.inc({ receiver: name, kind: receiver.kind, action: `change_${change.kind}`, status: result.status });
    }
  }

  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.writeChain;
      if (this.busy.size === 0) {
        await new Promise((r) => setImmediate(r));
        if (this.busy.size === 0) return;
      }
      await Promise.allSettled([...this.busy]);
    }
  }

  shutdown(deadlineMs = 10_000): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(deadlineMs);
    return this.shutdownPromise;
  }

  private async doShutdown(deadlineMs: number): Promise<void> {
    const { telemetry } = this.deps;
    // Real time on purpose: the budget bounds real I/O (closing, deliveries), whatever clock the lifecycle runs on.
    const until = Date.now() + deadlineMs;
    if (this.timer) clearInterval(this.timer);
    // Stop input first (upstream first), then let deliveries finish until the deadline.
    await this.consumer?.close().catch(() => undefined);
    this.stopping = true;
    const left = (): number => Math.max(0, until - Date.now());
    await Promise.race([Promise.allSettled([...this.busy]), new Promise((r) => setTimeout(r, left()).unref?.())]);
    await Promise.race([this.persist().catch(() => undefined), new Promise((r) => setTimeout(r, left()).unref?.())]);
    await this.producer?.close().catch(() => undefined);
    await this.server?.close();
    telemetry.event('alerter_stopped', { pendingTasks: this.busy.size });
  }
}
