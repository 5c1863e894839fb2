// The CI quality of an announced deployment's commit, attached to its deployment record so the
// detector can verify a deploy whose tests failed, were flaky or skipped under a strict policy.
//
// Source: the writer's CI insights, which hold every test execution (JUnit reports and OTel CI
// spans): GET {url}/v1/ci/revisions/{commit} over HTTP, or the same function in-process in the
// embedded runner. A lookup that fails or times out never blocks the announcement: the record
// then says `unknown` and why, and verification stays standard.
import type { DeploymentCiQuality } from '@vigil/records';

/** Looks up one commit; may throw (the caller turns errors into `unknown`). */
export type CiQualityLookup = (commit: string, signal: AbortSignal) => Promise<DeploymentCiQuality>;

const QUALITIES = new Set<DeploymentCiQuality['quality']>(['unknown', 'clean', 'flaky', 'skipped', 'failed']);

function count(body: Record<string, unknown>, key: string): number {
  const v = body[key];
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`CI quality: "${key}" must be a count, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Reads the writer's revision-quality answer into the record's shape: `flaky` counts the tests
 * that failed and passed on this commit; tests known to be flaky elsewhere stay in the reasons.
 */
export function ciQualityFromApi(value: unknown): DeploymentCiQuality {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('CI quality: answer is not a JSON object');
  const b = value as Record<string, unknown>;
  const quality = b.quality as DeploymentCiQuality['quality'];
  if (!QUALITIES.has(quality)) throw new Error(`CI quality: unknown quality ${JSON.stringify(b.quality)}`);
  const risk = b.buildRisk;
  if (risk !== null && risk !== undefined && !(typeof risk === 'number' && risk >= 0 && risk <= 1)) {
    throw new Error(`CI quality: buildRisk must be a probability or null, got ${JSON.stringify(risk)}`);
  }
  const reasons = Array.isArray(b.reasons) ? b.reasons.filter((r): r is string => typeof r === 'string').slice(0, 10).map((r) => r.slice(0, 300)) : [];
  return {
    quality,
    tests: count(b, 'tests'),
    failed: count(b, 'failed'),
    flaky: count(b, 'flaky'),
    skipped: count(b, 'skipped'),
    buildRisk: typeof risk === 'number' ? risk : null,
    reasons,
  };
}

/** GET {baseUrl}/v1/ci/revisions/{commit} with an optional bearer token. */
export function httpCiQualityLookup(baseUrl: string, token: string): CiQualityLookup {
  const base = baseUrl.replace(/\/+$/, '');
  return async (commit, signal) => {
    const res = await fetch(`${base}/v1/ci/revisions/${encodeURIComponent(commit)}`, {
      signal,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (!res.ok) throw new Error(`CI quality: HTTP ${res.status} from the CI API`);
    return ciQualityFromApi(await res.json());
  };
}

const LOOKUP_FAILED = 'CI lookup failed: ';

/** True when `q` is ciQualityOf's `unknown` for a failed or timed-out lookup (not the CI API answering `unknown`). */
export function isCiLookupFailure(q: DeploymentCiQuality): boolean {
  return q.quality === 'unknown' && q.reasons.length > 0 && q.reasons[0]!.startsWith(LOOKUP_FAILED);
}

/** The lookup's answer, or `unknown` with the reason when it fails or takes longer than `timeoutMs`. */
export async function ciQualityOf(lookup: CiQualityLookup, commit: string, timeoutMs: number): Promise<DeploymentCiQuality> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      lookup(commit, ctl.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Settle the race first: the aborted lookup's own rejection then loses it.
          reject(new Error(`CI quality: no answer within ${timeoutMs} ms`));
          ctl.abort();
        }, timeoutMs);
      }),
    ]);
  } catch (e) {
    return { quality: 'unknown', tests: 0, failed: 0, flaky: 0, skipped: 0, buildRisk: null, reasons: [`${LOOKUP_FAILED}${(e as Error).message}`.slice(0, 300)] };
  } finally {
    clearTimeout(timer);
  }
}
