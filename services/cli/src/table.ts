/**
 * A read-API cell as text: strings as they are, numbers and booleans printed, null/absent as the
 * fallback, anything else as JSON (never "[object Object]").
 */
export function cell(v: unknown, fallback = ''): string {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Render rows as a fixed-width text table; long cells are cut with an ellipsis. */
export function renderTable(rows: Array<Record<string, unknown>>, columns: Array<{ key: string; title: string; width?: number; format?: (v: unknown) => string }>): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => {
    const raw = c.format ? c.format(r[c.key]) : r[c.key] === undefined || r[c.key] === null ? '' : String(r[c.key]);
    const max = c.width ?? 60;
    return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
  }));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

export const fmtTime = (v: unknown): string => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? new Date(Number(v)).toISOString().replace('T', ' ').slice(0, 19) : cell(v));
export const fmtNum = (v: unknown): string => {
  const n = Number(v);
  if (!Number.isFinite(n)) return cell(v);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
};
