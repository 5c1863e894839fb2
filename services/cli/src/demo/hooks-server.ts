// The demo's stand-ins for the outside world, on one local HTTP server:
//   POST /notify    the alerter's generic webhook receiver (vigil.notification/1, vigil.change/1)
//   POST /rollback  the alerter's rollback webhook hook (vigil.rollback-request/1): the "deploy
//                   tool" that routes the service back to its previous version.
// Both answer 200 once the handler ran; a rollback handler error answers 500 (the alerter
// records the rollback as failed).
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RollbackRequestBody {
  schema: 'vigil.rollback-request/1';
  deploymentId: string;
  service: string;
  version: string;
  previousVersion?: string;
  reason: string;
  verdictId?: string;
  alertId?: string;
  requestedAt?: string;
}

export interface NotificationBody {
  schema: 'vigil.notification/1' | 'vigil.change/1';
  id: string;
  /** notification: firing, resolved, repeat …; change: kind deployment | rollback. */
  action?: string;
  kind?: string;
  alert?: { id?: string; rule?: string; status?: string; severity?: string; service?: string; summary?: string };
  service?: string;
  version?: string;
  summary?: string;
}

export interface HooksServer {
  readonly port: number;
  readonly notifyUrl: string;
  readonly rollbackUrl: string;
  close(): Promise<void>;
}

export interface HooksHandlers {
  onNotification(body: NotificationBody, receivedAtMs: number): void;
  onRollback(body: RollbackRequestBody, receivedAtMs: number): Promise<void> | void;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy(new Error('body over 1 MiB'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHooksServer(handlers: HooksHandlers, now: () => number = Date.now): Promise<HooksServer> {
  const server: Server = createServer((req, res) => {
    const at = now();
    void (async () => {
      try {
        if (req.method !== 'POST' || (req.url !== '/notify' && req.url !== '/rollback')) {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(await readBody(req)) as unknown;
        if (req.url === '/notify') handlers.onNotification(body as NotificationBody, at);
        else await handlers.onRollback(body as RollbackRequestBody, at);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch (err) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    notifyUrl: `http://127.0.0.1:${port}/notify`,
    rollbackUrl: `http://127.0.0.1:${port}/rollback`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
