// The question grammar of "Ask Vigil". Deterministic and forgiving: case does not matter, filler
// words are dropped ("what is the status of checkout please"), a mention of the bot is ignored,
// and the command word is matched by edit distance (Levenshtein 1966; one typo for words up to 5
// letters, two beyond: "stauts", "verdcit"). What is not understood gets suggestions: the
// closest commands and a usage line for each. Pure.
//
//   status [service]                 what is firing, what is being verified, last deploys
//   why <service>                    the anomalies now, ranked, the deploy before them, its verdict's evidence, new templates, CI quality
//   similar <alert|incident>         past incidents like this one, what fixed them, who, how long
//   deploys <service>                recent deployments with verdicts
//   verdict <service> <version>      a deployment's verdict with its evidence
//   flaky <suite>                    flaky tests of a suite
//   risk <pipeline>                  failure risk of a CI pipeline's next run
//   explain <anomaly>                value, expected, band, components, in one sentence
//   help

export type Verb = 'status' | 'why' | 'similar' | 'deploys' | 'verdict' | 'flaky' | 'risk' | 'explain' | 'help';

export interface CommandSpec {
  verb: Verb;
  usage: string;
  /** Arguments required (min) and allowed (max). */
  min: number;
  max: number;
  aliases: string[];
  summary: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { verb: 'status', usage: 'status [service]', min: 0, max: 1, aliases: ['state', 'overview', 'firing'], summary: 'what is firing, what is being verified, last deploys' },
  { verb: 'why', usage: 'why <service>', min: 1, max: 1, aliases: ['wrong', 'diagnose', 'cause'], summary: 'anomalies now, the deploy before them, failed verdict evidence, new log templates, CI quality' },
  { verb: 'similar', usage: 'similar <alert|incident>', min: 1, max: 1, aliases: ['seen', 'before', 'history', 'like'], summary: 'past incidents like this one and what fixed them' },
  { verb: 'deploys', usage: 'deploys <service>', min: 1, max: 1, aliases: ['deploy', 'deployments', 'deployment', 'releases', 'changes'], summary: 'recent deployments with verdicts' },
  { verb: 'verdict', usage: 'verdict <service> <version>', min: 2, max: 2, aliases: ['verification', 'verify', 'canary'], summary: "a deployment's verdict and its evidence" },
  { verb: 'flaky', usage: 'flaky <suite>', min: 1, max: 1, aliases: ['flakes', 'flakey', 'tests'], summary: 'flaky tests of a suite' },
  { verb: 'risk', usage: 'risk <pipeline>', min: 1, max: 1, aliases: ['risky', 'pipeline'], summary: "failure risk of a pipeline's next run" },
  { verb: 'explain', usage: 'explain <anomaly>', min: 1, max: 1, aliases: ['describe'], summary: 'value, expected, band, components in one sentence' },
  { verb: 'help', usage: 'help', min: 0, max: 0, aliases: ['?', 'commands', 'usage'], summary: 'this list' },
];

/** Words dropped before parsing (they carry no argument). */
const FILLER = new Set([
  'a', 'an', 'the', 'is', 'are', 'was', 'of', 'for', 'on', 'in', 'to', 'about', 'please', 'pls', 'me', 'show', 'tell', 'give',
  'what', 'whats', "what's", 'with', 'vigil', 'hey', 'hi', 'can', 'you', 'could', 'i', 'we', 'our', 'my', 'list', 'get', 'there',
  'any', 'now', 'right', 'going', 'happening', 'version', 'service', 'suite', 'alert', 'incident', 'anomaly', 'this', 'that', 'it',
  'have', 'has', 'been', 'did', 'do', 'does', 'ever', 'at', 'by',
]);

export type Parsed =
  | { ok: true; verb: Verb; args: string[]; corrected?: string }
  | { ok: false; reason: string; suggestions: string[] };

/** Levenshtein distance, with an early exit once it exceeds `max`. O(|a|·|b|). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

const allowed = (word: string): number => (word.length <= 5 ? 1 : 2);

/** The command a word names (exactly, by alias, or within the typo allowance), with its distance. */
function matchVerb(word: string): { spec: CommandSpec; distance: number } | undefined {
  const w = word.toLowerCase();
  let best: { spec: CommandSpec; distance: number } | undefined;
  for (const spec of COMMANDS) {
    for (const name of [spec.verb, ...spec.aliases]) {
      const d = name === w ? 0 : editDistance(w, name, allowed(name));
      if (d <= allowed(name) && (!best || d < best.distance)) best = { spec, distance: d };
    }
  }
  // Two-letter words match only exactly ("is" is not "risk" with typos).
  if (best && best.distance > 0 && w.length < 3) return undefined;
  return best;
}

/** Tokens of a question: mentions (<@U…>) dropped, quotes and trailing punctuation stripped. */
export function tokens(text: string): string[] {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
    .split(/\s+/)
    .map((t) => t.replace(/^["'`(]+|["'`),.;:!?]+$/g, ''))
    .filter((t) => t.length > 0);
}

export function parse(text: string): Parsed {
  const words = tokens(text);
  if (words.length === 0) return { ok: true, verb: 'help', args: [] };
  // The command word: the first word that names a command (exactly first, then with typos).
  let at = -1;
  let match: { spec: CommandSpec; distance: number } | undefined;
  for (let pass = 0; pass < 2 && !match; pass++) {
    for (let i = 0; i < words.length; i++) {
      if (FILLER.has(words[i].toLowerCase()) && words[i].toLowerCase() !== 'deploy') continue;
      const m = matchVerb(words[i]);
      if (m && (pass === 1 || m.distance === 0)) {
        at = i;
        match = m;
        break;
      }
    }
  }
  if (!match) {
    return { ok: false, reason: `I did not recognise a question in "${text.trim().slice(0, 200)}"`, suggestions: suggest(words[0] ?? '') };
  }
  const spec = match.spec;
  const args = words.filter((w, i) => i !== at && !FILLER.has(w.toLowerCase()) && !(matchVerb(w)?.spec === spec && matchVerb(w)?.distance === 0));
  if (args.length < spec.min) {
    return { ok: false, reason: `\`${spec.verb}\` needs ${spec.min === 1 ? 'an argument' : `${spec.min} arguments`}: \`${spec.usage}\``, suggestions: [spec.usage] };
  }
  const corrected = match.distance > 0 ? `${words[at]} → ${spec.verb}` : undefined;
  return { ok: true, verb: spec.verb, args: args.slice(0, Math.max(spec.max, spec.min)), ...(corrected ? { corrected } : {}) };
}

/** The usages closest to a word (by edit distance to the command names), at most three, then help. */
export function suggest(word: string): string[] {
  const w = word.toLowerCase();
  const ranked = COMMANDS.filter((c) => c.verb !== 'help')
    .map((c) => ({ c, d: Math.min(...[c.verb, ...c.aliases].map((n) => editDistance(w, n))) }))
    .sort((a, b) => a.d - b.d || (a.c.verb < b.c.verb ? -1 : 1));
  return [...ranked.slice(0, 3).map((r) => r.c.usage), 'help'];
}
