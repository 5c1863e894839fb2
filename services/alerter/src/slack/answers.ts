// Answers to the questions of the grammar, as Block Kit messages, from Vigil's own data: the
// alerter's state (alerts, deployments, verdicts with evidence, rollbacks), its incident memory
// (recent anomalies, past incidents and their fixes) and, for what the alerter does not hold
// (deployment history with CI quality, score series for charts, new templates, CI statistics),
// Vigil's read API (reads.ts). Numbers are the stored ones; nothing is generated.
import type { AlertEngine } from '../lifecycle/engine.js';
import type { AlertState, DeploymentState, VerdictState } from '../lifecycle/types.js';
import type { AnomalyLite, IncidentMemory } from '../incidents/memory.js';
import { alertButtons } from './alert-buttons.js';
import { context, divider, esc, header, image, linkButton, actions, message, section } from './blocks.js';
import type { Block, SlackMessage } from './blocks.js';
import { renderLineChart } from './chart.js';
import type { ChartPoint } from './chart.js';
import { COMMANDS } from './grammar.js';
import type { Parsed } from './grammar.js';
import { cell } from './reads.js';
import type { ReadApi, Row } from './reads.js';

export interface AnswerDeps {
  engine: AlertEngine;
  memory: IncidentMemory;
  now: number;
  reads?: ReadApi;
  consoleUrl?: string;
  /** Store a PNG and return the URL Slack can fetch it from; undefined: no charts. */
  chart?: (png: Buffer) => string | undefined;
  /** Slack interactivity is configured: alerts get action buttons. */
  interactive: boolean;
}

const SEV: Record<string, number> = { critical: 3, warning: 2, info: 1 };
const n = (x: unknown): string => {
  const v = Number(x);
  if (!Number.isFinite(v)) return String(x);
  return Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : String(Number(v.toPrecision(3)));
};
const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const ago = (ms: number, now: number): string => {
  const d = Math.max(0, now - ms);
  if (d < 90_000) return `${Math.round(d / 1000)} s ago`;
  if (d < 90 * 60_000) return `${Math.round(d / 60_000)} min ago`;
  if (d < 36 * 3_600_000) return `${(d / 3_600_000).toFixed(1)} h ago`;
  return `${(d / 86_400_000).toFixed(1)} d ago`;
};
export const duration = (ms: number): string => (ms < 90 * 60_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** A link to a console page: the console's hash routes (#/page/arg, e.g. #/deployment/<id>, #/alerts/<id>, #/ci). */
function consoleLink(deps: AnswerDeps, page: string, arg: string | undefined, text: string, id: string): Block | undefined {
  if (!deps.consoleUrl) return undefined;
  return linkButton(text, `${deps.consoleUrl.replace(/\/$/, '')}/#/${page}${arg ? `/${encodeURIComponent(arg)}` : ''}`, `vigil_link_${id}`.slice(0, 255));
}

function deployments(deps: AnswerDeps, service?: string): DeploymentState[] {
  return deps.engine.snapshot().filter(([k]) => k.startsWith('deployment:')).map(([, v]) => v as DeploymentState)
    .filter((d) => !service || d.service === service).sort((a, b) => b.timeMs - a.timeMs);
}

function verdicts(deps: AnswerDeps): VerdictState[] {
  return deps.engine.snapshot().filter(([k]) => k.startsWith('verdict:')).map(([, v]) => v as VerdictState);
}

/** Services Vigil knows (alerts, deployments, anomalies), for "did you mean". */
function knownServices(deps: AnswerDeps): string[] {
  const s = new Set<string>();
  for (const a of deps.engine.listAlerts()) s.add(a.service);
  for (const d of deployments(deps)) s.add(d.service);
  for (const x of deps.memory.anomalyServices()) s.add(x);
  return [...s].sort();
}

/** Resolve a service argument case-insensitively against the known services. */
function serviceArg(deps: AnswerDeps, arg: string): string {
  const known = knownServices(deps);
  return known.find((s) => s === arg) ?? known.find((s) => s.toLowerCase() === arg.toLowerCase()) ?? arg;
}

/** An alert by id, incident id, id prefix (≥ 6 characters) or service (its most severe open alert). */
export function findAlert(engine: AlertEngine, arg: string): AlertState | undefined {
  const all = engine.listAlerts();
  const exact = all.find((a) => a.id === arg || a.incidentId === arg);
  if (exact) return exact;
  if (arg.length >= 6) {
    const pre = all.filter((a) => a.id.startsWith(arg) || a.incidentId.startsWith(arg));
    if (pre.length === 1) return pre[0];
  }
  const lower = arg.toLowerCase();
  return all.filter((a) => a.service.toLowerCase() === lower)
    .sort((x, y) => (x.status === 'resolved' ? 1 : 0) - (y.status === 'resolved' ? 1 : 0) || SEV[y.severity] - SEV[x.severity] || y.startsAtMs - x.startsAtMs)[0];
}

function alertLine(a: AlertState, now: number): string {
  const e = a.evidence;
  const what = a.kind === 'deployment' ? `deployment ${a.deployment?.version ?? ''} failed verification` : `${e?.metric ?? a.labels.metric ?? 'anomaly'}${e?.operation ? ` on *${esc(e.operation)}*` : ''}`;
  const ack = a.acknowledgedBy ? ` · acked by ${a.acknowledgedBy}` : '';
  return `*${a.severity.toUpperCase()}* ${esc(a.service)} ${what} · ${a.status} since ${ago(a.startsAtMs, now)}${ack} · \`${a.id}\``;
}

async function safeRows(deps: AnswerDeps, path: string, params: Record<string, string | undefined>): Promise<{ rows: Row[]; error?: string }> {
  if (!deps.reads) return { rows: [], error: 'the read API is not configured (alerter.slack.queryApiUrl)' };
  try {
    return { rows: await deps.reads.rows(path, params) };
  } catch (err) {
    return { rows: [], error: (err as Error).message };
  }
}

// ---------------------------------------------------------------- status

async function status(deps: AnswerDeps, serviceArgument?: string): Promise<SlackMessage> {
  const service = serviceArgument ? serviceArg(deps, serviceArgument) : undefined;
  const alerts = deps.engine.listAlerts().filter((a) => a.status !== 'resolved' && (!service || a.service === service))
    .sort((x, y) => SEV[y.severity] - SEV[x.severity] || y.startsAtMs - x.startsAtMs);
  const firing = alerts.filter((a) => a.status === 'firing');
  const verifying = verdicts(deps).filter((v) => v.status === 'running' && (!service || v.service === service));
  const deps5 = deployments(deps, service).slice(0, 5);
  const blocks: Block[] = [header(`Status${service ? ` of ${service}` : ''}: ${firing.length} firing, ${verifying.length} being verified`)];
  blocks.push(section(firing.length ? `*Firing*\n${firing.slice(0, 10).map((a) => `• ${alertLine(a, deps.now)}`).join('\n')}` : '*Firing*\nnothing'));
  const pending = alerts.filter((a) => a.status === 'pending');
  if (pending.length) blocks.push(section(`*Pending*\n${pending.slice(0, 5).map((a) => `• ${alertLine(a, deps.now)}`).join('\n')}`));
  blocks.push(section(verifying.length ? `*Being verified*\n${verifying.slice(0, 10).map((v) => `• ${esc(v.service)} ${esc(v.version)} (${v.mode}, deployed ${ago(v.deployedAtMs, deps.now)})`).join('\n')}` : '*Being verified*\nnothing'));
  blocks.push(section(deps5.length ? `*Last deploys*\n${deps5.map((d) => `• ${deployLine(deps, d)}`).join('\n')}` : '*Last deploys*\nnone known'));
  const link = consoleLink(deps, 'overview', undefined, 'Open the console', 'status');
  if (link) blocks.push(actions([link]));
  return message(`Status${service ? ` of ${service}` : ''}: ${firing.length} firing, ${verifying.length} being verified`, blocks);
}

/** When a deployment happened: its verdict's deployedAtMs (event time) when known, else the record's time. */
function deployTime(deps: AnswerDeps, d: DeploymentState): number {
  return deps.engine.verdictFor(d.service, d.version)?.deployedAtMs ?? d.timeMs;
}

function deployLine(deps: AnswerDeps, d: DeploymentState): string {
  const v = deps.engine.verdictFor(d.service, d.version);
  const prev = d.previousVersion ?? v?.baselineVersion;
  return `${esc(d.service)} *${esc(d.version)}*${prev ? ` (was ${esc(prev)})` : ''} ${ago(deployTime(deps, d), deps.now)} · verdict: ${v ? `*${v.status}*` : 'none'}${d.commit ? ` · commit \`${esc(d.commit.slice(0, 12))}\`` : ''} · \`${d.id}\``;
}

// ---------------------------------------------------------------- why

export interface OperationChange {
  operation: string;
  metric: string;
  seriesKey: string;
  before: number;
  after: number;
  /** (after + ε) / (before + ε): how many times worse after the deploy. */
  ratio: number;
}

/**
 * What got worse after a deploy, per operation, from the stored score series (read API
 * /v1/scores): the mean of error_ratio and latency p95/p99 in the window before the deploy
 * against the window after it, ranked by the ratio. ε keeps a zero baseline finite: 0.001 for
 * ratios (a tenth of a per cent), 1 ms for latencies. Pure.
 */
export function operationChanges(rows: readonly Row[], deployAtMs: number, windowMs = 15 * 60_000): OperationChange[] {
  const acc = new Map<string, { operation: string; metric: string; seriesKey: string; b: number; nb: number; a: number; na: number }>();
  for (const r of rows) {
    const metric = cell(r.metric);
    if (metric !== 'error_ratio' && metric !== 'latency_p95' && metric !== 'latency_p99') continue;
    const op = typeof r.operation === 'string' ? r.operation : '';
    const t = Number(r.windowStartMs), v = Number(r.value);
    if (!op || !Number.isFinite(t) || !Number.isFinite(v)) continue;
    const key = `${op}\u0000${metric}`;
    let e = acc.get(key);
    if (!e) acc.set(key, (e = { operation: op, metric, seriesKey: cell(r.seriesKey), b: 0, nb: 0, a: 0, na: 0 }));
    if (t < deployAtMs && t >= deployAtMs - windowMs) { e.b += v; e.nb++; }
    else if (t >= deployAtMs && t < deployAtMs + windowMs) { e.a += v; e.na++; }
  }
  const out: OperationChange[] = [];
  for (const e of acc.values()) {
    if (e.nb === 0 || e.na === 0) continue;
    const before = e.b / e.nb, after = e.a / e.na;
    const eps = e.metric === 'error_ratio' ? 0.001 : 1;
    out.push({ operation: e.operation, metric: e.metric, seriesKey: e.seriesKey, before, after, ratio: (after + eps) / (before + eps) });
  }
  return out.sort((x, y) => y.ratio - x.ratio || (x.operation < y.operation ? -1 : 1));
}

async function changesAfter(deps: AnswerDeps, service: string, deployAtMs: number): Promise<{ changes: OperationChange[]; rows: Row[] }> {
  if (!deps.reads) return { changes: [], rows: [] };
  const minutes = Math.ceil((deps.now - deployAtMs) / 60_000) + 20;
  const r = await safeRows(deps, '/v1/scores', { service, since: `${Math.min(Math.max(minutes, 20), 7 * 24 * 60)}m`, limit: '10000' });
  return { changes: operationChanges(r.rows, deployAtMs).filter((c) => c.ratio >= 2), rows: r.rows };
}

const changeLine = (c: OperationChange): string => `*${esc(c.operation)}* ${c.metric}: ${n(c.before)} → ${n(c.after)} (×${n(c.ratio)})`;

function templatesOf(deps: AnswerDeps, service: string, verdict: VerdictState | undefined, since: number): string[] {
  const out = new Set<string>();
  for (const ev of (verdict?.evidence ?? []) as Array<{ check?: string; detail?: string; decided?: string }>) {
    if (ev.check === 'new_log_template' && typeof ev.detail === 'string') out.add(ev.detail);
  }
  for (const a of deps.memory.recentAnomalies(service)) {
    if (a.metric !== 'new_log_template' || a.windowEndMs < since) continue;
    const m = /"(.*)"\s*$/.exec(a.summary ?? '');
    if (m) out.add(m[1]);
  }
  return [...out];
}

async function why(deps: AnswerDeps, serviceArgument: string): Promise<SlackMessage> {
  const service = serviceArg(deps, serviceArgument);
  const now = deps.now;
  const alerts = deps.engine.listAlerts().filter((a) => a.service === service && a.status !== 'resolved')
    .sort((x, y) => SEV[y.severity] - SEV[x.severity] || (y.evidence?.score ?? 1) - (x.evidence?.score ?? 1));
  const since = Math.min(now - 3_600_000, ...alerts.map((a) => a.startsAtMs - 15 * 60_000));
  // The anomalies now: the latest of each series within the last hour (or since the alerts began), ranked by score.
  const latest = new Map<string, AnomalyLite>();
  for (const a of deps.memory.recentAnomalies(service)) if (a.windowEndMs >= since && a.metric !== 'new_log_template') latest.set(a.seriesKey, a);
  const ranked = [...latest.values()].sort((x, y) => y.score - x.score || y.windowEndMs - x.windowEndMs);
  // The first symptom in event time (anomaly windows; the alerts' own start is processing time).
  const symptomTimes = [
    ...deps.memory.recentAnomalies(service).filter((a) => a.windowEndMs >= since).map((a) => a.windowStartMs ?? a.windowEndMs),
    ...alerts.map((a) => a.evidence?.windowStartMs).filter((x): x is number => x !== undefined),
  ];
  const firstAt = symptomTimes.length ? Math.min(...symptomTimes) : Math.min(now, ...alerts.map((a) => a.startsAtMs));
  // The deploy that preceded them: the newest deployment at or before the first symptom (else the newest).
  const deps2 = deployments(deps, service);
  const dep = deps2.find((d) => deployTime(deps, d) <= firstAt) ?? deps2[0];
  const verdict = dep ? deps.engine.verdictFor(service, dep.version) : undefined;
  const depAt = dep ? deployTime(deps, dep) : undefined;
  const previous = dep?.previousVersion ?? verdict?.baselineVersion;
  const { changes, rows: scoreRows } = dep && depAt !== undefined ? await changesAfter(deps, service, depAt) : { changes: [], rows: [] };
  const blocks: Block[] = [];
  if (alerts.length === 0 && ranked.length === 0) {
    blocks.push(header(`${service}: nothing anomalous now`));
    blocks.push(section(`No open alert and no anomaly of *${esc(service)}* in the last hour.${knownServices(deps).includes(service) ? '' : ` Vigil knows no service called "${esc(service)}"${knownServices(deps).length ? `; known: ${knownServices(deps).slice(0, 20).map(esc).join(', ')}` : ''}.`}`));
    return message(`${service}: nothing anomalous now`, blocks);
  }
  const top = alerts[0];
  const failingOps = [...new Set([
    ...changes.filter((c) => c.metric === 'error_ratio').map((c) => c.operation),
    ...alerts.map((a) => a.evidence?.operation).filter((x): x is string => Boolean(x)),
    ...ranked.map((a) => a.operation).filter((x): x is string => Boolean(x)),
    ...((verdict?.evidence ?? []) as Array<{ operation?: string; decided?: string }>).filter((e) => e.decided === 'fail' && e.operation).map((e) => e.operation as string),
  ])];
  blocks.push(header(`Why ${service}: ${alerts.length} open alert${alerts.length === 1 ? '' : 's'}, ${ranked.length} anomalous series`));
  const summary = [
    dep && depAt !== undefined ? `Deploy *${esc(dep.version)}*${previous ? ` (was ${esc(previous)})` : ''} went out ${ago(depAt, now)}${symptomTimes.length ? `, ${firstAt >= depAt ? `${duration(firstAt - depAt)} before the first anomaly` : 'after the first anomaly'}` : ''}.` : 'No deployment of this service is known.',
    verdict ? `Its verification: *${verdict.status}*${verdict.summary ? ` — ${esc(verdict.summary)}` : ''}.` : '',
    failingOps.length ? `Failing operation${failingOps.length > 1 ? 's' : ''}: ${failingOps.slice(0, 5).map((o) => `*${esc(o)}*`).join(', ')}.` : '',
  ].filter(Boolean).join(' ');
  blocks.push(section(summary));
  if (changes.length) blocks.push(section(`*Worse since the deploy* (stored scores, 15 min before vs after)\n${changes.slice(0, 5).map((c) => `• ${changeLine(c)}`).join('\n')}`));
  if (ranked.length) {
    blocks.push(section(`*Anomalies now* (ranked by score)\n${ranked.slice(0, 6).map((a, i) =>
      `${i + 1}. ${esc(a.metric)}${a.operation ? ` on *${esc(a.operation)}*` : ''}: ${n(a.value)} vs expected ${n(a.expected)}${a.lower !== undefined && a.upper !== undefined ? ` (band ${n(a.lower)}–${n(a.upper)})` : ''}, score ${a.score.toFixed(3)} · \`${a.id}\``).join('\n')}`));
  }
  if (verdict) {
    const failed = (verdict.evidence as Array<{ check: string; operation?: string; baseline: number; candidate: number; effect: number; decided: string; detail?: string }>)
      .filter((e) => e.decided === 'fail');
    if (failed.length) {
      blocks.push(section(`*Failed checks of ${esc(verdict.version)}* (${verdict.mode}${verdict.policy === 'strict' ? ', strict policy' : ''})\n${failed.slice(0, 8).map((e) =>
        e.check === 'new_log_template' ? `• new log template: \`${esc((e.detail ?? '').slice(0, 300))}\`` : `• ${esc(e.check)}${e.operation ? ` on *${esc(e.operation)}*` : ''}: ${n(e.baseline)} → ${n(e.candidate)} (effect ${n(e.effect)})`).join('\n')}`));
    }
  }
  const templates = templatesOf(deps, service, verdict, since);
  let tplNote = '';
  if (deps.reads && dep) {
    const r = await safeRows(deps, '/v1/templates', { service, new: 'true', since: '6h', limit: '20' });
    for (const row of r.rows) if (row.newSinceDeployment === dep.id && typeof row.template === 'string' && !templates.includes(row.template)) templates.push(row.template);
    if (r.error) tplNote = ` (read API: ${r.error.slice(0, 120)})`;
  }
  if (templates.length) blocks.push(section(`*New log templates since the deploy*${tplNote}\n${templates.slice(0, 5).map((t) => `• \`${esc(t.slice(0, 400))}\``).join('\n')}`));
  // CI quality of the commit: the verdict's policy (strict when CI was not clean) and the read API's record.
  const ci: string[] = [];
  if (verdict?.policy === 'strict') ci.push(`verified strictly: ${esc(verdict.policyReason ?? 'CI was not clean')}`);
  if (deps.reads && dep) {
    const r = await safeRows(deps, '/v1/deployments', { service, since: '7d', limit: '50' });
    const row = r.rows.find((x) => x.id === dep.id);
    const q = row?.ci as { quality?: string; tests?: number; failed?: number; flaky?: number; skipped?: number; reasons?: string[] } | null | undefined;
    if (q) ci.push(`CI quality *${esc(String(q.quality))}*: ${q.tests ?? 0} tests, ${q.failed ?? 0} failed, ${q.flaky ?? 0} flaky, ${q.skipped ?? 0} skipped${q.reasons?.length ? ` (${esc(q.reasons.slice(0, 2).join('; '))})` : ''}`);
  }
  if (ci.length || dep?.commit) blocks.push(section(`*CI of ${dep?.commit ? `commit \`${esc(dep.commit.slice(0, 12))}\`` : 'the commit'}*\n${ci.length ? ci.map((x) => `• ${x}`).join('\n') : '• no CI data for this commit'}`));
  // A chart of the top series: value against the expected band, with the deploy marked.
  const series = top?.evidence?.seriesKey ?? ranked[0]?.seriesKey ?? changes[0]?.seriesKey;
  if (series && deps.chart) {
    const fromRows = scoreRows.filter((x) => x.seriesKey === series)
      .map((x) => ({ t: Number(x.windowStartMs), value: Number(x.value), expected: Number(x.expected), lower: Number(x.lower), upper: Number(x.upper) }));
    const points = fromRows.length >= 2 ? fromRows : await chartPoints(deps, service, series, since);
    if (points.length >= 2) {
      const url = deps.chart(renderLineChart(points, { markerT: depAt }));
      if (url) blocks.push(image(url, `${series}: value (red) against the expected band (blue)${dep ? `; orange line: deploy ${dep.version}` : ''}`, series));
    }
  }
  if (top && deps.interactive) blocks.push(alertButtons(top));
  const links = [
    dep ? consoleLink(deps, 'deployment', dep.id, `Deployment ${dep.version}`, 'why_deploy') : undefined,
    top ? consoleLink(deps, 'alerts', top.id, 'Alert', 'why_alert') : undefined,
  ].filter((x): x is Block => x !== undefined);
  if (links.length) blocks.push(actions(links));
  if (alerts.length > 1) blocks.push(context(`Other open alerts: ${alerts.slice(1, 6).map((a) => `\`${a.id}\``).join(', ')}`));
  return message(`Why ${service}: ${summary.replace(/\*/g, '')}`, blocks);
}

async function chartPoints(deps: AnswerDeps, service: string, seriesKey: string, since: number): Promise<ChartPoint[]> {
  if (deps.reads) {
    const r = await safeRows(deps, '/v1/scores', { series: seriesKey, service, since: `${Math.max(1, Math.ceil((deps.now - since) / 60_000) + 30)}m`, limit: '2000' });
    const pts = r.rows.map((x) => ({ t: Number(x.windowStartMs), value: Number(x.value), expected: Number(x.expected), lower: Number(x.lower), upper: Number(x.upper) }))
      .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.value));
    if (pts.length >= 2) return pts;
  }
  return deps.memory.recentAnomalies(service).filter((a) => a.seriesKey === seriesKey)
    .map((a) => ({ t: a.windowEndMs, value: a.value, expected: a.expected, lower: a.lower, upper: a.upper }));
}

// ---------------------------------------------------------------- similar

function similar(deps: AnswerDeps, arg: string): SlackMessage {
  const alert = findAlert(deps.engine, arg);
  const found = deps.memory.similarFor(alert?.id ?? arg, deps.engine, 5);
  if (!found) return message(`No alert or incident "${arg}"`, [section(`I know no alert or incident \`${esc(arg)}\`. Try \`status\` for the open alerts.`)]);
  const blocks: Block[] = [header(`Similar to ${alert ? `${alert.service}'s alert` : `incident ${found.incidentId}`}`)];
  if (found.similar.length === 0) {
    blocks.push(section(`*Nothing similar* in the incident memory: no past incident is close enough to suggest (least similarity shown: the calibrated cut). This looks new.`));
  } else {
    for (const s of found.similar) {
      const r = s.resolution;
      const fix = r?.fixedBy ?? (r?.rollbackHelped ? 'rollback' : r?.notes.length ? r.notes[r.notes.length - 1] : undefined);
      blocks.push(section(
        `*${Math.round(s.score * 100)}% similar:* ${esc(s.title)} (${utc(s.startedAtMs)})\n` +
        `• fixed by: ${fix ? esc(fix) : '_no resolution recorded_'}${r?.rollbackHelped ? ' (rollback helped)' : ''}\n` +
        `• resolved by: ${r?.by ? esc(r.by) : 'unknown'} · took ${duration(s.resolvedAtMs - s.startedAtMs)}\n` +
        `• why: ${s.why.slice(0, 3).map((w) => esc(w.replace(/^\+\d+\.\d+ /, ''))).join('; ')}` +
        `${r?.links.length ? `\n• ${r.links.slice(0, 3).map((l) => `<${l.url}|${esc(l.name)}>`).join(' · ')}` : ''}`));
    }
  }
  blocks.push(context(`alert \`${found.alertId}\` · incident \`${found.incidentId}\``));
  return message(found.similar.length ? `${found.similar.length} similar past incidents` : 'Nothing similar', blocks);
}

// ---------------------------------------------------------------- deploys, verdict

async function deploys(deps: AnswerDeps, serviceArgument: string): Promise<SlackMessage> {
  const service = serviceArg(deps, serviceArgument);
  const list = deployments(deps, service).sort((a, b) => deployTime(deps, b) - deployTime(deps, a));
  const blocks: Block[] = [header(`Deploys of ${service}`)];
  const lines = list.slice(0, 10).map((d) => `• ${deployLine(deps, d)}`);
  const r = await safeRows(deps, '/v1/deployments', { service, since: '30d', limit: '20' });
  const older = r.rows.filter((row) => !list.some((d) => d.id === row.id)).slice(0, Math.max(0, 10 - lines.length));
  for (const row of older) {
    const ci = row.ci as { quality?: string } | null | undefined;
    lines.push(`• ${esc(service)} *${esc(String(row.version))}* ${ago(Number(row.deployedAtMs), deps.now)} · verdict: *${esc(cell(row.status, 'none'))}*${ci?.quality ? ` · CI ${esc(ci.quality)}` : ''} · \`${esc(String(row.id))}\``);
  }
  blocks.push(section(lines.length ? lines.join('\n') : `No deployment of *${esc(service)}* is known.`));
  if (r.error && deps.reads) blocks.push(context(`history from the read API unavailable: ${esc(r.error.slice(0, 200))}`));
  return message(`${lines.length} deploys of ${service}`, blocks);
}

async function verdict(deps: AnswerDeps, serviceArgument: string, version: string): Promise<SlackMessage> {
  const service = serviceArg(deps, serviceArgument);
  const v = deps.engine.verdictFor(service, version) ?? deps.engine.verdictFor(service, version.replace(/^v(?=\d)/, ''));
  if (!v) {
    const known = deployments(deps, service).map((d) => d.version);
    return message(`No verdict for ${service} ${version}`, [section(`No verdict for *${esc(service)} ${esc(version)}*.${known.length ? ` Known versions: ${known.slice(0, 10).map(esc).join(', ')}.` : ''}`)]);
  }
  const ev = v.evidence as Array<{ check: string; operation?: string; baseline: number; candidate: number; effect: number; statistic: number; bound: number; decided: string; detail?: string }>;
  const blocks: Block[] = [
    header(`${service} ${v.version}: ${v.status.toUpperCase()}`),
    section(esc(v.summary || v.status), [
      `*Mode*\n${v.mode}`, `*Baseline*\n${esc(v.baselineVersion ?? 'before the deploy')}`,
      `*Deployed*\n${utc(v.deployedAtMs)}`, `*Decided*\n${v.status === 'running' ? 'not yet' : utc(v.decidedAtMs)}`,
      ...(v.policy ? [`*Policy*\n${v.policy}${v.policyReason ? `: ${esc(v.policyReason)}` : ''}`] : []),
    ]),
  ];
  if (ev.length) {
    blocks.push(section(`*Evidence*\n${ev.slice(0, 15).map((e) => e.check === 'new_log_template'
      ? `• ${e.decided === 'fail' ? ':x:' : ':white_check_mark:'} new log template: \`${esc((e.detail ?? '').slice(0, 200))}\``
      : `• ${e.decided === 'fail' ? ':x:' : e.decided === 'pass' ? ':white_check_mark:' : ':hourglass:'} ${esc(e.check)}${e.operation ? ` on *${esc(e.operation)}*` : ''}: ${n(e.baseline)} → ${n(e.candidate)} (effect ${n(e.effect)}, statistic ${n(e.statistic)} / bound ${n(e.bound)})`).join('\n')}`));
  }
  const { changes } = await changesAfter(deps, service, v.deployedAtMs);
  if (changes.length) blocks.push(section(`*Worse since the deploy* (stored scores, 15 min before vs after)\n${changes.slice(0, 5).map((c) => `• ${changeLine(c)}`).join('\n')}`));
  const rb = deps.engine.getRollback(v.deploymentId);
  if (rb) blocks.push(context(`rollback: ${rb.phase === 'done' ? `${rb.result}${rb.dryRun ? ' (dry run)' : ''}` : 'running'} — ${esc(rb.detail ?? rb.reason)}`));
  const link = consoleLink(deps, 'deployment', v.deploymentId, 'Evidence in the console', 'verdict');
  if (link) blocks.push(actions([link]));
  return message(`${service} ${v.version}: ${v.status} — ${v.summary}`, blocks);
}

// ---------------------------------------------------------------- CI

async function flaky(deps: AnswerDeps, suite: string): Promise<SlackMessage> {
  const r = await safeRows(deps, '/v1/ci/tests', { suite, flaky: 'true', limit: '15' });
  if (r.error) return message(`Cannot read CI statistics`, [section(`Cannot read the CI statistics of *${esc(suite)}*: ${esc(r.error)}`)]);
  if (r.rows.length === 0) return message(`No flaky tests in ${suite}`, [section(`No flaky test known in suite *${esc(suite)}* (a test is flaky when it both failed and passed on the same commit).`)]);
  return message(`${r.rows.length} flaky tests in ${suite}`, [
    header(`Flaky tests of ${suite}`),
    section(r.rows.map((t) => `• \`${esc(String(t.name).slice(0, 200))}\`: failed ${cell(t.failures)}/${cell(t.runs)} runs (${(Number(t.failureRate) * 100).toFixed(0)}%), flaky on ${cell(t.flakyRevisions)} commit${Number(t.flakyRevisions) === 1 ? '' : 's'}`).join('\n')),
  ]);
}

async function risk(deps: AnswerDeps, pipeline: string): Promise<SlackMessage> {
  // The pipeline's own record (read API GET /v1/ci/pipelines: failure rate, the build-risk
  // model's last prediction) when the API has it; otherwise an estimate from its suite's tests.
  const p = await safeRows(deps, '/v1/ci/pipelines', { since: '30d' });
  const row = p.rows.find((x) => x.pipeline === pipeline) ?? p.rows.find((x) => String(x.pipeline).toLowerCase() === pipeline.toLowerCase());
  if (row) {
    const pred = row.lastPredictedFailureProbability;
    const link = consoleLink(deps, 'ci', undefined, 'CI in the console', 'risk');
    return message(`${pipeline}: failure rate ${Math.round(Number(row.failureRate) * 100)}%`, [
      header(`Risk of ${String(row.pipeline)}`),
      section(`${typeof pred === 'number' ? `Predicted failure probability of the last announced run: *${Math.round(pred * 100)}%*. ` : ''}` +
        `${cell(row.failed)}/${cell(row.runs)} runs failed in 30 days (*${Math.round(Number(row.failureRate) * 100)}%*); last run ${esc(cell(row.lastStatus, 'unknown'))}${Number.isFinite(Number(row.lastRunMs)) ? ` ${ago(Number(row.lastRunMs), deps.now)}` : ''}.`),
      ...(link ? [actions([link])] : []),
    ]);
  }
  const r = await safeRows(deps, '/v1/ci/tests', { suite: pipeline, sort: 'recent', limit: '10' });
  if (r.error) return message(`Cannot read CI statistics`, [section(`Cannot read the CI statistics of *${esc(pipeline)}*: ${esc(r.error)}`)]);
  if (r.rows.length === 0) return message(`No CI history for ${pipeline}`, [section(`No test history for *${esc(pipeline)}* (the suite of that name).`)]);
  // Chance that at least one of these tests fails next, if they failed independently at their recent rates.
  const pAny = 1 - r.rows.reduce((acc, t) => acc * (1 - Math.min(1, Math.max(0, Number(t.recentFailureRate) || 0))), 1);
  return message(`${pipeline}: next run fails with ~${Math.round(pAny * 100)}% chance`, [
    header(`Risk of ${pipeline}`),
    section(`*~${Math.round(pAny * 100)}%* chance that its next run has a failing test (from the recent failure rates of its riskiest tests, taken as independent).`),
    section(`*Riskiest tests*\n${r.rows.slice(0, 8).map((t) => `• \`${esc(String(t.name).slice(0, 200))}\`: recent failure rate ${(Number(t.recentFailureRate) * 100).toFixed(0)}%${t.flaky ? ' (flaky)' : ''}`).join('\n')}`),
  ]);
}

// ---------------------------------------------------------------- explain

export function explainSentence(a: { service: string; metric: string; operation?: string; value: number; expected: number; lower?: number; upper?: number; score: number; threshold: number; components?: string[]; windowEndMs: number }): string {
  const dir = a.value > a.expected ? 'above' : 'below';
  return `${a.service}'s ${a.metric}${a.operation ? ` on ${a.operation}` : ''} was ${n(a.value)} at ${utc(a.windowEndMs)}, ${dir} the expected ${n(a.expected)}` +
    `${a.lower !== undefined && a.upper !== undefined ? ` (normal band ${n(a.lower)} to ${n(a.upper)})` : ''}; score ${a.score.toFixed(3)} against the threshold ${a.threshold.toFixed(3)}` +
    `${a.components?.length ? `, flagged by ${a.components.join(', ')}` : ''}.`;
}

function explain(deps: AnswerDeps, arg: string): SlackMessage {
  let a: AnomalyLite | undefined = deps.memory.getAnomaly(arg);
  if (!a) {
    const alert = findAlert(deps.engine, arg);
    const e = alert?.evidence;
    if (alert && e) a = { id: e.anomalyId, service: alert.service, signal: e.signal, metric: e.metric, operation: e.operation, seriesKey: e.seriesKey, value: e.value, expected: e.expected, lower: e.lower, upper: e.upper, score: e.score, threshold: e.threshold, components: e.components, windowEndMs: e.windowEndMs, summary: e.summary };
  }
  if (!a && arg.length >= 6) {
    for (const s of deps.memory.anomalyServices()) a ??= deps.memory.recentAnomalies(s).find((x) => x.id.startsWith(arg));
  }
  if (!a) return message(`No anomaly ${arg}`, [section(`I know no anomaly \`${esc(arg)}\` (ids are in \`why <service>\`; an alert id works too).`)]);
  const sentence = explainSentence(a);
  return message(sentence, [section(esc(sentence)), context(`anomaly \`${a.id}\` · series \`${esc(a.seriesKey)}\``)]);
}

// ---------------------------------------------------------------- help, not understood

export function helpMessage(note?: string): SlackMessage {
  return message('Ask Vigil: commands', [
    ...(note ? [section(note)] : []),
    section(`*Ask Vigil*\n${COMMANDS.map((c) => `• \`${c.usage}\` — ${c.summary}`).join('\n')}`),
  ]);
}

export async function answer(q: Parsed, deps: AnswerDeps): Promise<SlackMessage> {
  if (!q.ok) {
    return message(q.reason, [section(`${esc(q.reason)}.\n*Did you mean:* ${q.suggestions.map((s) => `\`${s}\``).join(' · ')}`)]);
  }
  const out = await (async () => {
    switch (q.verb) {
      case 'status': return status(deps, q.args[0]);
      case 'why': return why(deps, q.args[0]);
      case 'similar': return similar(deps, q.args[0]);
      case 'deploys': return deploys(deps, q.args[0]);
      case 'verdict': return verdict(deps, q.args[0], q.args[1]);
      case 'flaky': return flaky(deps, q.args[0]);
      case 'risk': return risk(deps, q.args[0]);
      case 'explain': return explain(deps, q.args[0]);
      case 'help': return helpMessage();
    }
  })();
  if (q.corrected) out.blocks.push(context(`(read "${esc(q.corrected)}")`));
  return out;
}

export { divider };
