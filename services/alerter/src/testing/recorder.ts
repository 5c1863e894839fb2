// A local HTTP receiver that records every request (tests and the benchmark): listens on
// 127.0.0.1 with an OS-chosen port; `respond` decides the answer per request.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  atMs: number;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface Recorder {
  readonly url: string;
  readonly requests: RecordedRequest[];
  respond: (req: RecordedRequest) => Reply;
  /** Resolves once `n` requests matched `filter`. */
  waitFor(n: number, filter?: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest[]>;
  onRequest?: (req: RecordedRequest) => void;
  close(): Promise<void>;
}

export async function startRecorder(respond: (req: RecordedRequest) => Reply = () => ({ status: 202, body: '{"status":"success"}' })): Promise<Recorder> {
  const waiters = new Set<() => void>();
  const rec: Recorder = {
    url: '',
    requests: [],
    respond,
    async waitFor(n, filter = () => true, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = rec.requests.filter(filter);
        if (got.length >= n) return got;
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${n} request(s), got ${got.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { waiters.delete(done); resolve(); }, 50);
          const done = (): void => { clearTimeout(t); waiters.delete(done); resolve(); };
          waiters.add(done);
        });
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json, atMs: Date.now() };
      rec.requests.push(r);
      rec.onRequest?.(r);
      const reply = rec.respond(r);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (rec as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return rec;
}
