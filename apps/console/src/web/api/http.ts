// The one way the browser talks to the services: JSON over /api/<service>/..., the bearer token
// on every request, and the services' error envelope turned into an ApiError that keeps the
// API's own words.

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Where a request goes and which token it carries; the API modules are built over one. */
export interface Transport {
  request<T>(method: string, path: string, options?: { query?: Query; body?: unknown; signal?: AbortSignal }): Promise<T>;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface TransportOptions {
  /** e.g. '/api/orders' (the console server proxies it to the order service). */
  baseUrl: string;
  /** Read at every request, so a sign-in or sign-out applies at once. */
  token: () => string | null;
  /** Called when a service answers 401: the token is missing, expired or wrong. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
}

export function createTransport(options: TransportOptions): Transport {
  return {
    async request<T>(method: string, path: string, init: { query?: Query; body?: unknown; signal?: AbortSignal } = {}) {
      const url = options.baseUrl + path + queryString(init.query);
      const headers: Record<string, string> = { accept: 'application/json' };
      const token = options.token();
      if (token) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers,
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
          ...(init.signal ? { signal: init.signal } : {}),
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw new ApiError(0, 'NETWORK', 'the console cannot reach its server: check your connection and try again');
      }
      const text = await response.text();
      const parsed = parseJson(text);
      if (!response.ok) {
        const error = toApiError(response.status, parsed, text);
        if (response.status === 401) options.onUnauthorized?.(error);
        throw error;
      }
      return parsed as T;
    },
  };
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown, text: string): ApiError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.message === 'string') {
    const e = body.error;
    const details = Array.isArray(e.details)
      ? e.details.filter(isRecord).map((d) => ({ path: String(d.path ?? ''), message: String(d.message ?? '') }))
      : [];
    return new ApiError(status, typeof e.code === 'string' ? e.code : 'ERROR', e.message as string, details);
  }
  const fallback = text && text.length < 300 && !text.trimStart().startsWith('<') ? text : `the server answered ${status}`;
  return new ApiError(status, 'ERROR', fallback);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
