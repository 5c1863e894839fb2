// Seeded generators of log lines whose variable slots change shape, for the robustness suite
// (unit tests) and `eval:loghub --robustness` (the same reshaping applied to the values of the
// development datasets). Pure: the randomness is a seeded generator passed in.
//
// A reshaped value is the same kind of value written another way, as real logs do: an address
// as an IP, a host name, a bare word or a `LOCAL(0)`-style literal; a URL with and without a
// query string; paths of different depth; numbers with units; quoted text with spaces; JSON
// fragments and key=value lists of varying length. The event is unchanged, so a miner that
// generalises keeps one template per event.

/** Mulberry32 (Tommy Ettinger, public domain): a small seeded generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

const WORDS = ['alpha', 'beta', 'cache', 'delta', 'edge', 'front', 'gamma', 'index', 'jobs', 'kilo', 'lambda', 'media', 'north', 'omega'];
const HOSTS = ['db-primary', 'localhost', 'mailhub', 'gateway', 'backup'];

export const ip = (rng: Rng): string => `${10 + int(rng, 200)}.${int(rng, 256)}.${int(rng, 256)}.${1 + int(rng, 254)}`;

/** An address: an IP (canonical) or, reshaped, a host name, a bare name or a literal. */
export function address(rng: Rng, reshape: boolean): string {
  if (!reshape) return ip(rng);
  switch (int(rng, 5)) {
    case 0: return ip(rng);
    case 1: return `${pick(rng, WORDS)}-${int(rng, 90) + 10}.${pick(rng, WORDS)}.example.com`;
    case 2: return pick(rng, HOSTS);
    case 3: return `LOCAL(${int(rng, 4)})`;
    default: return `${ip(rng)}:${1024 + int(rng, 60000)}`;
  }
}

/** A URL path: fixed depth (canonical) or of varying depth, with or without a query string. */
export function urlPath(rng: Rng, reshape: boolean): string {
  const id = (int(rng, 0xffffff) + 0x100000).toString(16);
  if (!reshape) return `/v2/${id}/servers/detail`;
  const depth = 1 + int(rng, 5);
  let p = '';
  for (let k = 0; k < depth; k++) p += `/${k === 1 ? id : pick(rng, WORDS)}`;
  if (rng() < 0.5) {
    const n = 1 + int(rng, 3);
    const q: string[] = [];
    for (let k = 0; k < n; k++) q.push(`${pick(rng, WORDS)}=${rng() < 0.5 ? int(rng, 1000) : pick(rng, WORDS)}`);
    p += `?${q.join('&')}`;
  }
  return p;
}

/** A file path: fixed depth (canonical) or 1-6 levels, absolute or relative. */
function filePath(rng: Rng, reshape: boolean): string {
  if (!reshape) return `/var/lib/${pick(rng, WORDS)}.db`;
  const depth = 1 + int(rng, 6);
  const parts: string[] = [];
  for (let k = 0; k < depth; k++) parts.push(pick(rng, WORDS));
  const rel = rng() < 0.3;
  // A relative path needs two slashes to be told from a word (`a/b` could be `I/O`).
  return rel && depth >= 3 ? `${parts.join('/')}.conf` : `/${parts.join('/')}.conf`;
}

/** A quantity: a bare number (canonical) or a number with a unit, attached or spaced. */
export function quantity(rng: Rng, reshape: boolean): string {
  const v = int(rng, 5000);
  if (!reshape) return String(v);
  switch (int(rng, 5)) {
    case 0: return String(v);
    case 1: return `${v}ms`;
    case 2: return `${(v / 10).toFixed(1)} KB`;
    case 3: return `${v} bytes`;
    default: return `${(v / 100).toFixed(2)}s`;
  }
}

/** A user-supplied message: a one-word quoted value (canonical) or quoted text with spaces. */
function quotedText(rng: Rng, reshape: boolean): string {
  if (!reshape) return `"${pick(rng, WORDS)}${int(rng, 100)}"`;
  const n = 1 + int(rng, 5);
  const w: string[] = [];
  for (let k = 0; k < n; k++) w.push(pick(rng, WORDS));
  return `"${w.join(' ')}${n === 1 ? int(rng, 100) : ''}"`;
}

/** A JSON fragment with 1-4 fields (canonical: 2 fields). */
function jsonFragment(rng: Rng, reshape: boolean): string {
  const n = reshape ? 1 + int(rng, 4) : 2;
  const o: Record<string, string | number | boolean> = {};
  for (let k = 0; k < n; k++) {
    const key = `${WORDS[(k * 5) % WORDS.length]}`;
    o[key] = k % 3 === 0 ? int(rng, 1000) : k % 3 === 1 ? pick(rng, WORDS) : rng() < 0.5;
  }
  return JSON.stringify(o);
}

/** A key=value list value of 1-5 pairs inside braces (canonical: 2 pairs). */
function keyValueList(rng: Rng, reshape: boolean): string {
  const n = reshape ? 1 + int(rng, 5) : 2;
  const kv: string[] = [];
  for (let k = 0; k < n; k++) kv.push(`${WORDS[(k * 3) % WORDS.length]}=${rng() < 0.5 ? int(rng, 100) : pick(rng, WORDS)}`);
  return `{${kv.join(', ')}}`;
}

export interface SyntheticLine {
  event: string;
  body: string;
}


/**
 * Synthetic events in the styles of common log sources (HTTP request lines of an API server,
 * sshd/PAM key/value messages, ntpd, a desktop OS kernel, job schedulers, JSON-emitting services).
 * Each event has fixed words and typed slots.
 */
export const SYNTHETIC_EVENTS: ReadonlyArray<{ id: string; make: (rng: Rng, reshape: boolean) => string }> = [
  { id: 'http-get', make: (r, s) => `${ip(r)} "GET ${urlPath(r, s)} HTTP/1.1" status: 200 len: ${int(r, 5000)} time: ${r().toFixed(7)}` },
  { id: 'http-post', make: (r, s) => `${ip(r)} "POST ${urlPath(r, s)} HTTP/1.1" status: 202 len: ${int(r, 5000)} time: ${r().toFixed(7)}` },
  { id: 'sshd-fail', make: (r, s) => `authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${address(r, s)}` },
  { id: 'sshd-accept', make: (r, s) => `Accepted password for ${pick(r, WORDS)} from ${address(r, s)} port ${1024 + int(r, 60000)} ssh2` },
  { id: 'ntp-sync', make: (r, s) => `synchronized to ${address(r, s)}, stratum ${int(r, 16)}` },
  { id: 'conn-lost', make: (r, s) => `Connection to ${address(r, s)} lost after ${quantity(r, s)} of inactivity` },
  { id: 'file-open', make: (r, s) => `Failed to open configuration file ${filePath(r, s)} for reading` },
  { id: 'upload', make: (r, s) => `Upload of ${filePath(r, s)} finished: ${quantity(r, s)} transferred` },
  { id: 'kernel-msg', make: (r, s) => `kernel: display driver reported message ${quotedText(r, s)} on port ${int(r, 8)}` },
  { id: 'json-event', make: (r, s) => `publishing event payload=${jsonFragment(r, s)} to topic orders` },
  { id: 'labels', make: (r, s) => `scheduling job ${int(r, 100000)} with labels ${keyValueList(r, s)} on queue default` },
  { id: 'cache-miss', make: (r, s) => `cache miss for key ${quotedText(r, s)} in region ${pick(r, WORDS)}-${int(r, 9)}` },
];

/** `n` lines drawn from the synthetic events; `reshape` varies the shape of every slot. */
export function syntheticLines(seed: number, n: number, reshape: boolean): SyntheticLine[] {
  const rng = seededRandom(seed);
  const out: SyntheticLine[] = [];
  for (let k = 0; k < n; k++) {
    const e = SYNTHETIC_EVENTS[int(rng, SYNTHETIC_EVENTS.length)];
    out.push({ event: e.id, body: e.make(rng, reshape) });
  }
  return out;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const PATH = /^\/[\w.-]+(\/[\w.-]+)+$/;

/**
 * Reshape one variable value of a real log line by its shape (used on the development datasets
 * with the ground-truth templates telling where the values are): IPs become host names, bare
 * names or literals; numbers gain units; paths change depth and may gain a query string. Other
 * values are kept.
 */
function reshapeValue(value: string, rng: Rng): string {
  if (IPV4.test(value)) return address(rng, true);
  if (NUMBER.test(value)) {
    switch (int(rng, 3)) {
      case 0: return `${value}ms`;
      case 1: return `${value} KB`;
      default: return value;
    }
  }
  if (PATH.test(value)) {
    const extra = int(rng, 3);
    let p = value;
    for (let k = 0; k < extra; k++) p += `/${pick(rng, WORDS)}`;
    return rng() < 0.5 ? `${p}?${pick(rng, WORDS)}=${int(rng, 100)}` : p;
  }
  return value;
}

/**
 * The values of a line at the `<*>` slots of its ground-truth template, as [start, end) offsets,
 * or undefined when the template does not match the line.
 */
function slotSpans(content: string, template: string): Array<[number, number]> | undefined {
  const parts = template.split('<*>');
  if (parts.length === 1) return [];
  if (!content.startsWith(parts[0])) return undefined;
  const spans: Array<[number, number]> = [];
  let at = parts[0].length;
  for (let k = 1; k < parts.length; k++) {
    const lit = parts[k];
    // The last part anchors at the end; others at their first occurrence (lazy, like `(.*?)`).
    const next = k === parts.length - 1 ? (content.endsWith(lit) && content.length - lit.length >= at ? content.length - lit.length : -1) : content.indexOf(lit, at);
    if (next < 0) return undefined;
    spans.push([at, next]);
    at = next + lit.length;
  }
  return spans;
}

/** Reshape every variable value of a line found through its ground-truth template. */
export function reshapeLine(content: string, template: string, rng: Rng): string {
  const spans = slotSpans(content, template);
  if (spans === undefined || spans.length === 0) return content;
  let out = '';
  let at = 0;
  for (const [a, b] of spans) {
    out += content.slice(at, a);
    const v = content.slice(a, b);
    // Only whole values are reshaped (no spaces inside, a word boundary on both sides: not the
    // digits of `blk_123` or of `host:80`), so the words around them are untouched.
    const before = a === 0 ? ' ' : content[a - 1];
    const after = b >= content.length ? ' ' : content[b];
    // A number already followed by its unit keeps its shape (no `12ms bytes`).
    const unitFollows = /^\s+(bytes?|[kmgt]i?b|ms|s|secs?|seconds?|minutes?|hours?)\b/i.test(content.slice(b, b + 12));
    const whole = !unitFollows && v.length > 0 && !/\s/.test(v) && /[\s=/([]/.test(before) && /[\s,;)\]]/.test(after);
    out += whole ? reshapeValue(v, rng) : v;
    at = b;
  }
  return out + content.slice(at);
}
