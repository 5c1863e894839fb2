// Every data call of the console: same origin, the bearer token from sessionStorage. The token
// is the only thing the console keeps in the browser; data is never stored.

const TOKEN_KEY = 'vigil.token';

export class AuthError extends Error {}
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET', headers, credentials: 'omit', cache: 'no-store',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (res.status === 401) throw new AuthError('unauthorized');
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const msg = body && typeof body === 'object' && 'error' in body ? String((body).error) : `HTTP ${res.status}`;
    throw new ApiError(res.status, msg);
  }
  return body as T;
}

/** The alerter's API, proxied by the serving listener under /alerter/. */
export const alerter = <T = unknown>(path: string, init: { method?: string; body?: unknown } = {}) => api<T>(`/alerter${path}`, init);

export const enc = encodeURIComponent;
