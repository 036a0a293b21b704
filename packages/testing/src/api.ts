import { assertKeepsContract } from './contract.ts';
import { defaultTokenFor } from './tokens.ts';
/** A small JSON client over fetch for tests and benchmarks: status, body and headers of each answer. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  readonly baseUrl: string;
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ApiResponse<T>>;
  withToken(token: string): ApiClient;
  /** The same client sending no token at all. */
  anonymous(): ApiClient;
}

/**
 * Without a token the client calls as the tests' integration (SERVICE) or support staff (SUPPORT),
 * whichever the route needs (defaultTokenFor); null sends no token.
 */
export interface ApiClientOptions {
  /**
   * false: do not check answers against the service's OpenAPI document (only for a test of the
   * check itself, or one that talks to something that is not a CancelFlow service).
   */
  checkContract?: boolean;
}

export function apiClient(baseUrl: string, token?: string | null, options: ApiClientOptions = {}): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const bearer = token === null ? undefined : (token ?? (await defaultTokenFor(method, path)));
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (text && response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    // Every answer is held to the service's OpenAPI document: status and body.
    if (options.checkContract !== false) {
      await assertKeepsContract(baseUrl, {
        method,
        path,
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: parsed,
        text,
      });
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
  return {
    baseUrl,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    withToken: (t) => apiClient(baseUrl, t, options),
    anonymous: () => apiClient(baseUrl, null, options),
  };
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'the condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
