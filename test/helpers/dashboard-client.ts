/**
 * A browser stand-in for dashboard API tests: keeps the `op_session` cookie and the CSRF token like the SPA does,
 * and records every response body so tests can check that no secret ever leaks into one.
 */

/** One answer: status, headers and the parsed JSON body (undefined when there is none). */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Options of one call. */
export interface CallOptions {
  /** Send `x-csrf-token` (default true when the client has one). */
  csrf?: boolean | string;
  headers?: Record<string, string>;
  /** A raw body instead of JSON. */
  raw?: string;
}

/** A signed-in (or not yet signed-in) browser. */
export class DashboardClient {
  /** The session cookie's value, as the browser would hold it. */
  cookie: string | undefined;
  csrfToken: string | undefined;
  /** The raw `set-cookie` of the last response that had one. */
  lastSetCookie: string | undefined;
  /** Every response text received, for leak checks. */
  readonly transcript: string[] = [];

  constructor(private readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie !== undefined) headers.cookie = `op_session=${this.cookie}`;
    const csrf = options.csrf ?? true;
    if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
    else if (csrf && this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken;
    let payload: string | undefined = options.raw;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    this.transcript.push(text);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie !== null) {
      this.lastSetCookie = setCookie;
      const value = /op_session=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value === undefined || value === '' ? undefined : value;
    }
    const parsed: unknown = text === '' || !(response.headers.get('content-type') ?? '').includes('json') ? undefined : JSON.parse(text);
    const answer = { status: response.status, headers: response.headers, body: parsed as T, text };
    const token = (parsed as { csrf_token?: unknown } | undefined)?.csrf_token;
    if (typeof token === 'string') this.csrfToken = token;
    return answer;
  }

  get<T = Record<string, unknown>>(path: string, options?: CallOptions): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path, undefined, options);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, options?: CallOptions): Promise<ApiAnswer<T>> {
    return this.call<T>('POST', path, body, options);
  }

  patch<T = Record<string, unknown>>(path: string, body?: unknown, options?: CallOptions): Promise<ApiAnswer<T>> {
    return this.call<T>('PATCH', path, body, options);
  }

  delete<T = Record<string, unknown>>(path: string, options?: CallOptions): Promise<ApiAnswer<T>> {
    return this.call<T>('DELETE', path, undefined, options);
  }

  /** Signs up with a fresh session; throws unless it worked. */
  async signup(email: string, password = 'correct horse battery'): Promise<{ id: string; email: string }> {
    const answer = await this.post<{ account: { id: string; email: string } }>('/api/signup', { email, password });
    if (answer.status !== 201) throw new Error(`signup failed: ${answer.status} ${answer.text}`);
    return answer.body.account;
  }
}
