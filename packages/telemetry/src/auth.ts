import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer-token check in constant time: both sides are hashed to 32 bytes first, so neither the
 * comparison time nor a length mismatch tells an attacker anything. An empty token list means
 * authentication is off.
 */
export function checkBearer(header: string | undefined, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  if (!header || !header.toLowerCase().startsWith('bearer ')) return false;
  const given = digest(header.slice(7).trim());
  let ok = false;
  for (const token of tokens) ok = timingSafeEqual(given, digest(token)) || ok;
  return ok;
}
