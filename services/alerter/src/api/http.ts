// Small HTTP helpers for the alerter's routes.
import type { IncomingMessage } from 'node:http';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Read a JSON body (at most `limit` bytes). */
export async function readJson(req: IncomingMessage, limit = 256 * 1024): Promise<unknown> {
  const text = await readText(req, limit);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** Read the raw body as UTF-8 (at most `limit` bytes): signatures are computed over these bytes. */
export async function readText(req: IncomingMessage, limit = 256 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
