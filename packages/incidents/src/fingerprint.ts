// Incident fingerprints: what an alert looked like, reduced to a few comparable features.
//
//   service, signal, metric, operation   the alert's own series (the primary anomaly)
//   templates     normalised log templates involved (new or surging), from log anomalies of the
//                 same service around the alert (seriesKey `service|new_log_template|<templateId>`,
//                 the template text quoted in the summary)
//   deviations    the metrics that deviate most, with their direction: `latency_p99:up`
//   deployChange  the kind of change in effect: none | config | patch | minor | major | rollback
//                 | build | version (see classifyChange)
//   verdict       the deployment verdict: none | running | pass | fail | inconclusive
//
// Pure: no clock, no I/O. Building one costs O(anomalies · log anomalies) and the result is a
// few hundred bytes of JSON (templates and deviations are capped).

// The fingerprint is the wire type of vigil.incident/1 (@vigil/records), defined once there.
import type { DeployChange, IncidentFingerprint as Fingerprint, VerdictKind } from '@vigil/records';

export type { DeployChange, Fingerprint, VerdictKind };

/** What the fingerprint is built from: the structural subset of an AnomalyRecord it reads. */
export interface AnomalyLike {
  service: string;
  signal: string;
  metric: string;
  operation?: string;
  seriesKey: string;
  value: number;
  expected: number;
  score: number;
  summary?: string;
}

export interface FingerprintInput {
  /** The alert's own (latest) anomaly; absent for deployment-verdict alerts. */
  primary?: AnomalyLike;
  service: string;
  signal?: string;
  metric?: string;
  operation?: string;
  /** Other anomalies of the incident's time frame (same service): templates and deviations. */
  related?: AnomalyLike[];
  /** Extra deviating checks (e.g. failed verdict evidence: `error_ratio`, `latency_p99_exceedance`). */
  checks?: Array<{ metric: string; direction?: 'up' | 'down' }>;
  /** Extra templates (text), e.g. from verdict evidence. */
  templates?: string[];
  /** The deployment in effect, if it is recent enough to be a suspect (the caller decides). */
  deployment?: { id: string; version: string; previousVersion?: string; commit?: string; previousCommit?: string };
  verdict?: VerdictKind;
}

export const MAX_TEMPLATES = 12;
export const MAX_DEVIATIONS = 6;
export const TEMPLATE_METRIC = 'new_log_template';

/**
 * A template in comparable form: lower case, every variable token → `<*>`, whitespace collapsed,
 * runs of `<*>` merged. Drain's `<*>` placeholders and raw numbers, hex ids, UUIDs, IPs,
 * durations and quoted values all become `<*>`, so the same statement matches across services
 * and across template-miner versions.
 */
export function normaliseTemplate(text: string): string {
  let t = text.toLowerCase().trim();
  t = t.replace(/<[^<>\s]{0,20}>/g, ' <*> ');
  t = t.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, ' <*> ');
  t = t.replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, ' <*> ');
  t = t.replace(/\b0x[0-9a-f]+\b/g, ' <*> ');
  t = t.replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/g, ' <*> ');
  t = t.replace(/(^|[^a-z0-9_])[-+]?\d+(\.\d+)?(ms|s|m|h|kb|mb|gb|b|%)?(?![a-z0-9_])/g, '$1 <*> ');
  t = t.replace(/"[^"]*"|'[^']*'/g, ' <*> ');
  t = t.replace(/\s+/g, ' ').trim();
  t = t.replace(/<\*>(\s*<\*>)+/g, '<*>');
  return t.slice(0, 200);
}

/** The template a log anomaly carries: the quoted text of its summary, else its template id. */
export function templateOf(a: AnomalyLike): string | undefined {
  if (a.signal !== 'logs') return undefined;
  const s = a.summary ?? '';
  const first = s.indexOf('"');
  const last = s.lastIndexOf('"');
  if (first >= 0 && last > first) {
    const n = normaliseTemplate(s.slice(first + 1, last));
    if (n) return n;
  }
  if (a.metric === TEMPLATE_METRIC) {
    const id = a.seriesKey.split('|')[2];
    if (id) return `id:${id}`;
  }
  return undefined;
}

interface SemVer { major: number; minor: number; patch: number; pre: string; build: string }

function parseSemVer(v: string): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), pre: m[4] ?? '', build: m[5] ?? '' };
}

/**
 * The kind of change a deployment made, from its version strings (semver.org precedence):
 *  - same version (or versions differing only in build metadata `+...`, which semver says
 *    carries no precedence), or the same version redeployed from another commit: `config`
 *  - lower precedence than the previous version: `rollback`
 *  - otherwise the highest changed component: `major`, `minor`, `patch`, `build` (pre-release)
 *  - not semver: `version`; no previous version known: `version`.
 */
export function classifyChange(d: { version: string; previousVersion?: string; commit?: string; previousCommit?: string } | undefined): DeployChange {
  if (!d) return 'none';
  if (d.previousVersion === undefined || d.previousVersion === '') return 'version';
  if (d.version === d.previousVersion) return 'config';
  const a = parseSemVer(d.version);
  const b = parseSemVer(d.previousVersion);
  if (!a || !b) return 'version';
  const cmp = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (cmp === 0 && a.pre === b.pre) return 'config';
  if (cmp < 0 || (cmp === 0 && a.pre !== '' && (b.pre === '' || a.pre < b.pre))) return 'rollback';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  if (a.patch !== b.patch) return 'patch';
  return 'build';
}

export function directionOf(a: { value: number; expected: number }): 'up' | 'down' {
  return a.value >= a.expected ? 'up' : 'down';
}

/** Build the fingerprint of one alert. Deterministic: the same input gives the same output. */
export function buildFingerprint(input: FingerprintInput): Fingerprint {
  const p = input.primary;
  const related = input.related ?? [];
  const all = p ? [p, ...related] : related;
  const templates = new Set<string>();
  for (const t of input.templates ?? []) {
    const n = normaliseTemplate(t);
    if (n) templates.add(n);
  }
  // Deviations: strongest score per metric:direction; template anomalies are not metrics.
  const best = new Map<string, number>();
  for (const a of all) {
    const tpl = templateOf(a);
    if (tpl) {
      templates.add(tpl);
      if (a.metric === TEMPLATE_METRIC) continue;
    }
    if (a.metric === TEMPLATE_METRIC) continue;
    const key = `${a.metric}:${directionOf(a)}`;
    const s = Number.isFinite(a.score) ? a.score : 0;
    if ((best.get(key) ?? -1) < s) best.set(key, s);
  }
  for (const c of input.checks ?? []) {
    const key = `${c.metric}:${c.direction ?? 'up'}`;
    if (!best.has(key)) best.set(key, 1);
  }
  const deviations = [...best.entries()]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, MAX_DEVIATIONS)
    .map(([k]) => k)
    .sort();
  const dep = input.deployment;
  const fp: Fingerprint = {
    service: input.service,
    signal: input.signal ?? p?.signal ?? 'deployment',
    metric: input.metric ?? p?.metric ?? '',
    operation: input.operation ?? p?.operation ?? '',
    templates: [...templates].sort().slice(0, MAX_TEMPLATES),
    deviations,
    deployChange: classifyChange(dep),
    verdict: input.verdict ?? 'none',
  };
  if (dep) {
    fp.deployment = { id: dep.id, version: dep.version };
    if (dep.previousVersion) fp.deployment.previousVersion = dep.previousVersion;
    if (dep.commit) fp.deployment.commit = dep.commit;
  }
  return fp;
}

/** Union of two fingerprints of the same incident (features seen over its lifetime), capped. */
export function mergeFingerprints(older: Fingerprint, newer: Fingerprint): Fingerprint {
  const templates = [...new Set([...newer.templates, ...older.templates])].sort().slice(0, MAX_TEMPLATES);
  const deviations = [...new Set([...newer.deviations, ...older.deviations])].sort().slice(0, MAX_DEVIATIONS);
  return {
    ...newer,
    operation: newer.operation || older.operation,
    metric: newer.metric || older.metric,
    templates,
    deviations,
    deployChange: newer.deployChange !== 'none' ? newer.deployChange : older.deployChange,
    ...(newer.deployment ?? older.deployment ? { deployment: newer.deployment ?? older.deployment } : {}),
    verdict: newer.verdict !== 'none' ? newer.verdict : older.verdict,
  };
}

/** A short stable text of the features: to detect a change without a deep comparison. */
export function fingerprintSignature(fp: Fingerprint): string {
  return [fp.service, fp.signal, fp.metric, fp.operation, fp.templates.join('\u0001'), fp.deviations.join(','), fp.deployChange, fp.verdict].join('\u0000');
}
