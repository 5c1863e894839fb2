// Severity buckets of the OpenTelemetry logs data model: SeverityNumber 1-4 TRACE, 5-8 DEBUG,
// 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL; 0 is UNSPECIFIED.
// https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber

export const SEVERITY_NAMES = ['unspecified', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** Bucket index 0..6 of a SeverityNumber or a severity text (syslog and common level words). */
export function severityIndex(severity: number | string | undefined | null): number {
  if (typeof severity === 'number') {
    if (!Number.isFinite(severity) || severity < 1 || severity > 24) return 0;
    return Math.floor((severity - 1) / 4) + 1;
  }
  if (typeof severity !== 'string' || severity.length === 0) return 0;
  const s = severity.trim().toLowerCase();
  if (s.startsWith('trace') || s === 'finest' || s === 'finer' || s === 'verbose' || s === 'v') return 1;
  if (s.startsWith('debug') || s === 'fine' || s === 'd') return 2;
  if (s.startsWith('info') || s === 'notice' || s === 'i' || s === 'config') return 3;
  if (s.startsWith('warn') || s === 'w') return 4;
  if (s.startsWith('err') || s === 'e' || s === 'severe' || s === 'critical' || s === 'crit') return 5;
  if (s.startsWith('fatal') || s === 'f' || s === 'alert' || s === 'emerg' || s === 'emergency' || s === 'panic') return 6;
  return 0;
}
