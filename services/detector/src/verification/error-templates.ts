/**
 * The template of an error message: the message with its variable parts masked, so that
 * "timeout after 1500 ms calling 10.0.0.7:8080" and "timeout after 900 ms calling 10.0.0.9:8080"
 * are one template. Variables are recognised by their shape (UUIDs, hex ids, IP addresses,
 * numbers, quoted strings, long tokens with digits) — the shape rules that generalise across log
 * corpora (see DETECTION.md, "Log templates"); no per-service expressions.
 * Cost: a few regular-expression passes over at most 300 characters.
 */
const MAX_MESSAGE = 300;
const RULES: ReadonlyArray<[RegExp, string]> = [
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>'],
  [/"[^"]*"|'[^']*'/g, '<str>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, '<hex>'],
  [/\b[\w.-]*\d[\w.-]*\b/g, '<n>'],
  [/\s+/g, ' '],
];

export function errorTemplate(message: string): string {
  let t = message.slice(0, MAX_MESSAGE);
  for (const [re, sub] of RULES) t = t.replace(re, sub);
  return t.trim().slice(0, 200);
}
