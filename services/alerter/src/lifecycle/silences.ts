// Silences: label matchers with a time range, in Alertmanager's shape (name, value, isRegex,
// isEqual). Pure. A silence mutes notifications of the alerts it matches while active.

export interface Matcher {
  name: string;
  value: string;
  /** Full-match regular expression instead of equality. */
  isRegex?: boolean;
  /** false negates the matcher (!= or !~). Default true. */
  isEqual?: boolean;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
}

export class SilenceError extends Error {
  readonly code = 'SILENCE_INVALID';
}

/** Validate an API body into a silence; throws SilenceError with a message quoting the field. */
export function parseSilence(body: unknown, id: string, now: number): Silence {
  if (typeof body !== 'object' || body === null) throw new SilenceError('body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.matchers) || b.matchers.length === 0) throw new SilenceError('"matchers" must be a non-empty array');
  const matchers: Matcher[] = b.matchers.map((m, i) => {
    const mm = m as Record<string, unknown>;
    if (typeof mm?.name !== 'string' || mm.name === '') throw new SilenceError(`matchers[${i}].name must be a non-empty string`);
    if (typeof mm.value !== 'string') throw new SilenceError(`matchers[${i}].value must be a string (got ${JSON.stringify(mm.value)})`);
    if (mm.isRegex === true) {
      try {
        new RegExp(`^(?:${mm.value})$`);
      } catch {
        throw new SilenceError(`matchers[${i}].value is not a valid regular expression: ${JSON.stringify(mm.value)}`);
      }
    }
    return { name: mm.name, value: mm.value, isRegex: mm.isRegex === true, isEqual: mm.isEqual !== false };
  });
  const time = (key: string, fallback?: number): number => {
    const v = b[key];
    if (v === undefined && fallback !== undefined) return fallback;
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) throw new SilenceError(`"${key}" must be an ISO time or ms since the epoch (got ${JSON.stringify(v)})`);
    return t;
  };
  const startsAtMs = time('startsAt', now);
  let endsAtMs: number;
  if (b.endsAt === undefined && typeof b.durationMs === 'number') endsAtMs = startsAtMs + b.durationMs;
  else endsAtMs = time('endsAt');
  if (endsAtMs <= startsAtMs) throw new SilenceError(`"endsAt" (${new Date(endsAtMs).toISOString()}) must be after "startsAt"`);
  if (endsAtMs <= now) throw new SilenceError(`"endsAt" (${new Date(endsAtMs).toISOString()}) is in the past`);
  return {
    id,
    matchers,
    startsAtMs,
    endsAtMs,
    createdBy: typeof b.createdBy === 'string' ? b.createdBy : 'api',
    comment: typeof b.comment === 'string' ? b.comment : '',
    createdAtMs: now,
  };
}

const regexCache = new Map<string, RegExp>();
function regex(value: string): RegExp {
  let r = regexCache.get(value);
  if (!r) {
    r = new RegExp(`^(?:${value})$`);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(value, r);
  }
  return r;
}

function matcherMatches(m: Matcher, labels: Record<string, string>): boolean {
  const got = labels[m.name] ?? '';
  const hit = m.isRegex ? regex(m.value).test(got) : got === m.value;
  return m.isEqual === false ? !hit : hit;
}

export function silenceActive(s: Silence, now: number): boolean {
  return s.startsAtMs <= now && now < s.endsAtMs;
}

export function silenceMatches(s: Silence, labels: Record<string, string>): boolean {
  return s.matchers.every((m) => matcherMatches(m, labels));
}
