// Rule matching: which rules an anomaly matches and the labels that group it into one alert.
// Pure. Cost per anomaly: O(rules × matchers); no memory per series.
import type { AnomalyRecord } from '@vigil/records';
import type { AlerterConfig } from '@vigil/config';
import { stableId } from '@vigil/records';

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export type RuleConfig = AlerterConfig['rules'][number];

/** A rule with its defaults resolved. */
export interface Rule {
  name: string;
  config: RuleConfig;
  forMs: number;
  repeatIntervalMs: number;
  resolveAfterMs: number;
  flapWindowMs: number;
  receivers: string[];
  groupBy: string[];
  action: 'notify' | 'rollback';
}

export interface RuleDefaults {
  repeatIntervalMs: number;
  resolveAfterMs: number;
  flapWindowMs: number;
}

export function compileRules(rules: readonly RuleConfig[], defaults: RuleDefaults): Rule[] {
  return rules.map((r) => ({
    name: r.name,
    config: r,
    forMs: r.forMs,
    repeatIntervalMs: r.repeatIntervalMs ?? defaults.repeatIntervalMs,
    resolveAfterMs: r.resolveAfterMs ?? defaults.resolveAfterMs,
    flapWindowMs: r.flapWindowMs ?? defaults.flapWindowMs,
    receivers: [...r.receivers],
    groupBy: [...r.groupBy],
    action: r.action,
  }));
}

/** The labels an anomaly carries for matching, grouping and silences. */
export function anomalyLabels(a: AnomalyRecord): Record<string, string> {
  const labels: Record<string, string> = {
    service: a.service,
    signal: a.signal,
    metric: a.metric,
    severity: a.severity,
    series: a.seriesKey,
  };
  if (a.operation !== undefined) labels.operation = a.operation;
  if (a.version !== undefined) labels.version = a.version;
  return labels;
}

const oneOf = (want: string | string[] | undefined, got: string | undefined): boolean => {
  if (want === undefined) return true;
  const list = Array.isArray(want) ? want : [want];
  if (got === undefined) return false;
  return list.some((w) => w === '*' || w === got);
};

function ruleMatches(rule: Rule, a: AnomalyRecord, labels: Record<string, string>): boolean {
  const m = rule.config.match;
  if (a.score < rule.config.minScore) return false;
  if (!oneOf(m.service, a.service)) return false;
  if (!oneOf(m.signal, a.signal)) return false;
  if (m.severity && SEVERITY_RANK[a.severity] < SEVERITY_RANK[m.severity]) return false;
  for (const [k, v] of Object.entries(m.labels)) if (!oneOf(v, labels[k])) return false;
  return true;
}

/** Rules matched in order; the first match stops evaluation unless it has `continue: true`. */
export function matchRules(rules: readonly Rule[], a: AnomalyRecord, labels = anomalyLabels(a)): Rule[] {
  const out: Rule[] = [];
  for (const rule of rules) {
    if (!ruleMatches(rule, a, labels)) continue;
    out.push(rule);
    if (!rule.config.continue) break;
  }
  return out;
}

/** The group labels: the rule's groupBy keys (always including service), missing ones empty. */
export function groupLabels(rule: Rule, labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { service: labels.service ?? '' };
  for (const key of rule.groupBy) out[key] = labels[key] ?? '';
  return out;
}

/** Alert id: hash of rule + sorted group labels. Stable across restarts and replays. */
export function alertId(ruleName: string, group: Record<string, string>): string {
  const parts = Object.keys(group).sort().map((k) => `${k}=${group[k]}`);
  return stableId('alert', ruleName, ...parts);
}

/** Incident id (the receivers' dedup key): the alert id for the first incident, else hash(+number). */
export function incidentId(alertIdValue: string, incidentNumber: number): string {
  return incidentNumber === 0 ? alertIdValue : stableId('incident', alertIdValue, incidentNumber);
}
