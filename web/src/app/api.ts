// The one way the web app talks to the server: JSON over fetch with the bearer token, and problem+json
// errors turned into ApiError so pages can show the server's own explanation (and the offending field).
// See: https://www.rfc-editor.org/rfc/rfc9457
import { readToken } from './token';

export interface InvalidParam {
  name: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly invalidParams: InvalidParam[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired when the server says the token is no longer good, so the app can send the user to log in. */
export const UNAUTHORIZED_EVENT = 'citypulse:unauthorized';

export async function api<T>(path: string, options: { method?: string; body?: unknown; token?: string | null; signal?: AbortSignal } = {}): Promise<T> {
  const token = options.token === undefined ? readToken() : options.token;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const problem = (payload ?? {}) as { code?: string; detail?: string; title?: string; 'invalid-params'?: InvalidParam[] };
    throw new ApiError(response.status, problem.code ?? 'http_error', problem.detail ?? problem.title ?? response.statusText, problem['invalid-params'] ?? []);
  }
  return payload as T;
}

/**
 * Whether a failed query is worth asking again: a network failure, a server error or a timeout may pass,
 * but the server's no to the request itself (4xx: unknown stop, bad parameter, no permission) will not,
 * and retrying it only keeps the page on "Loading…" for seconds before saying so.
 */
export function worthRetrying(failures: number, error: unknown): boolean {
  const status = error instanceof ApiError ? error.status : undefined;
  const passing = status === undefined || status >= 500 || status === 408 || status === 429;
  return failures < 2 && passing;
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
