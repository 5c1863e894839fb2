// Serves the console's static bundle at `/` of a listener, and proxies `/alerter/*` to the
// alerter's API so the browser talks to one origin with one bearer token.
//
// Static files carry no data, so they are open (the listener's `openPaths`); every data call
// (`/v1/*`, `/alerter/*`) goes through the listener's bearer-token check first, and the proxied
// request carries the browser's Authorization header on to the alerter, which checks it again.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendJson } from '@vigil/telemetry';
import type { RouteHandler } from '@vigil/telemetry';

export interface ConsoleOptions {
  /** Serve the console at all (console.enabled). */
  enabled: boolean;
  /** Base URL of the alerter's API; '' answers 503 on /alerter/*. */
  alerterUrl: string;
  /** PEM file of the CA the alerter's certificate chains to (https with a private CA). */
  alerterCaFile?: string;
  /** Folder of the built bundle (default: this package's dist/web). */
  webRoot?: string;
}

export interface ConsoleMount {
  /** Route handlers for startAdminServer's `routes` (put them after the API's routes). */
  routes: RouteHandler[];
  /** Paths reachable without a token: the bundle's files (never data). */
  openPaths: string[];
  /** Whether the bundle was found (false: `/` answers 503 saying how to build it). */
  built: boolean;
}

export const ALERTER_PREFIX = '/alerter/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.woff2': 'font/woff2',
};

/**
 * Headers of every console file: no framing (clickjacking), no sniffing, no referrer leaving the
 * page, and a content security policy that allows only this origin's scripts and data calls.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function defaultWebRoot(): string {
  // dist/console-routes.js and src/console-routes.ts both sit one level below the package root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Build the console's routes. Files are read once, at start: the bundle does not change under a running process. */
export function consoleMount(options: ConsoleOptions): ConsoleMount {
  if (!options.enabled) return { routes: [], openPaths: [], built: false };
  const root = options.webRoot ?? defaultWebRoot();
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    for (const p of listFiles(root)) {
      const urlPath = `/${relative(root, p).split(sep).join('/')}`;
      // Vite names assets by content hash: they can be cached for good; index.html must not be.
      files.set(urlPath, { body: readFileSync(p), type: TYPES[extname(p)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') });
    }
  }
  const ca = options.alerterCaFile ? readFileSync(options.alerterCaFile) : undefined;

  const staticRoute: RouteHandler = (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = url.pathname === '/' ? '/index.html' : url.pathname;
    if (path === '/index.html' && !built) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The console is not built: run `npm run build` (it builds packages/console with Vite).\n');
      return true;
    }
    const f = files.get(path);
    if (!f) return false;
    res.writeHead(200, {
      'content-type': f.type, 'content-length': f.body.length, ...SECURITY_HEADERS,
      'cache-control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : f.body);
    return true;
  };

  const proxyRoute: RouteHandler = async (req, res, url) => {
    if (!url.pathname.startsWith(ALERTER_PREFIX)) return false;
    if (!options.alerterUrl) {
      sendJson(res, 503, { error: 'the alerter API is not configured for the console (console.alerterUrl)' });
      return true;
    }
    await proxy(req, res, `${options.alerterUrl.replace(/\/$/, '')}/${url.pathname.slice(ALERTER_PREFIX.length)}${url.search}`, ca);
    return true;
  };

  return { routes: [proxyRoute, staticRoute], openPaths: built ? ['/', ...files.keys()] : ['/', '/index.html'], built };
}

/** Forward one request (method, Authorization, content type, body) and stream the answer back. */
function proxy(req: IncomingMessage, res: ServerResponse, target: string, ca: Buffer | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const u = new URL(target);
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'content-length', 'accept']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(u, { method: req.method, headers, timeout: 15_000, ...(ca ? { ca } : {}) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, {
        'content-type': answer.headers['content-type'] ?? 'application/json',
        ...(answer.headers['www-authenticate'] ? { 'www-authenticate': String(answer.headers['www-authenticate']) } : {}),
      });
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    const failed = (message: string) => {
      if (!res.headersSent) sendJson(res, 502, { error: `alerter API: ${message}` });
      else res.destroy();
      resolve();
    };
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (err) => failed(err.message));
    req.pipe(upstream);
  });
}
