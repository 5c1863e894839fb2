// Reads a request body with two caps, both enforced WHILE reading: the bytes on the wire and
// the bytes after decompression. A gzip bomb is stopped as soon as its inflated output passes
// the cap (zlib emits at most 16 KiB per chunk), never after. Every byte held is reserved on
// the in-flight limiter first; when the limiter refuses, reading stops with 429.
import { createGunzip, createInflate, createBrotliDecompress } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import type { InflightLimiter } from '../../processors/admission/inflight-limiter.js';

export type BodyResult =
  | { ok: true; body: Buffer; reserved: number; wireBytes: number }
  | { ok: false; status: 400 | 413 | 429; message: string; wireBytes: number };

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'br';

/** Content-Encoding values accepted (RFC 9110 names); anything else is answered 415. */
export function parseContentEncoding(header: string | undefined): ContentEncoding | null {
  const v = (header ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  if (v === 'br') return 'br';
  return null;
}

export function readBody(req: IncomingMessage, encoding: ContentEncoding, maxBytes: number, limiter: InflightLimiter): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let reserved = 0;
    let settled = false;
    const inflater: Transform | null =
      encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;

    const fail = (status: 400 | 413 | 429, message: string): void => {
      if (settled) return;
      settled = true;
      limiter.release(reserved);
      reserved = 0;
      chunks.length = 0;
      req.removeListener('data', onWire);
      if (inflater) {
        req.unpipe(inflater);
        inflater.removeAllListeners('data');
        inflater.on('error', () => {});
        inflater.destroy();
      }
      resolve({ ok: false, status, message, wireBytes: wire });
    };

    const onBody = (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        fail(413, `request body exceeds ${maxBytes} bytes${inflater ? ' after decompression' : ''}`);
        return;
      }
      if (!limiter.tryAcquire(chunk.length)) {
        fail(429, 'collector is at its in-flight bytes limit');
        return;
      }
      reserved += chunk.length;
      chunks.push(chunk);
    };

    const onWire = (chunk: Buffer): void => {
      wire += chunk.length;
      if (wire > maxBytes) fail(413, `request body exceeds ${maxBytes} bytes`);
    };

    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), reserved, wireBytes: wire });
    };

    req.on('data', onWire);
    req.on('error', () => fail(400, 'request body could not be read'));
    req.on('aborted', () => fail(400, 'request aborted'));
    if (inflater) {
      inflater.on('data', onBody);
      inflater.on('end', finish);
      inflater.on('error', (e: Error) => fail(400, `invalid ${encoding} body: ${e.message}`));
      req.pipe(inflater);
    } else {
      req.on('data', onBody);
      req.on('end', finish);
    }
  });
}
