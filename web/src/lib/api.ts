/**
 * The dashboard's one door to the JSON API: same-origin cookies, the CSRF
 * token from the last signup/login/me answer on every state-changing call, and
 * OpenAI-shaped errors turned into an `ApiError` carrying `error.message`.
 */
import type {
  ApiKey,
  AuthAnswer,
  CatalogModel,
  KeyGovernancePatch,
  KeyWithSecret,
  LogsAnswer,
  Me,
  ProviderKey,
  ProviderPreferences,
  RoutingMode,
  StatusAnswer,
  UsageAnswer,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfter: number | null;

  constructor(message: string, status: number, code: string | null, param: string | null, retryAfter: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.param = param;
    this.retryAfter = retryAfter;
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a signed-in call answers 401: the session ended elsewhere or expired. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface ErrorBody {
  error?: { message?: unknown; code?: unknown; param?: unknown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads an OpenAI-format error body into an ApiError, whatever the body turns out to be. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  const text = await response.text().catch(() => '');
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const error = isRecord(body) ? (body as ErrorBody).error : undefined;
  const message =
    error && typeof error.message === 'string' && error.message
      ? error.message
      : `Request failed with status ${response.status}${response.statusText ? ` (${response.statusText})` : ''}.`;
  const code = error && typeof error.code === 'string' ? error.code : null;
  const param = error && typeof error.param === 'string' ? error.param : null;
  const retry = Number(response.headers.get('retry-after'));
  return new ApiError(message, response.status, code, param, Number.isFinite(retry) && retry > 0 ? retry : null);
}

/** A throttled attempt's error with when to try again added to its message (when the message has no figure yet). */
export function withRetryHint(failure: unknown): unknown {
  if (failure instanceof ApiError && failure.status === 429 && failure.retryAfter && !/\d/.test(failure.message)) {
    return new Error(`${failure.message} Try again in ${Math.ceil(failure.retryAfter / 60)} min.`);
  }
  return failure;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: payload ?? null,
      credentials: 'same-origin',
      signal: signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('Could not reach the server. Check your connection and try again.', 0, 'network_error', null, null);
  }
  if (!response.ok) {
    const error = await errorFromResponse(response);
    if (response.status === 401 && path !== '/api/login' && path !== '/api/me') {
      for (const listener of unauthorizedListeners) listener();
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface KeyPatch extends KeyGovernancePatch {
  name?: string;
  default_routing?: RoutingMode | null;
  default_provider?: ProviderPreferences | null;
  spend_cap_usd?: number | null;
}

export const api = {
  signup: (email: string, password: string) => request<AuthAnswer>('POST', '/api/signup', { email, password }),
  login: (email: string, password: string) => request<AuthAnswer>('POST', '/api/login', { email, password }),
  logout: () => request<void>('POST', '/api/logout', {}),
  logoutEverywhere: () => request<void>('POST', '/api/logout-everywhere', {}),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/password', { current_password: currentPassword, new_password: newPassword }),
  me: (signal?: AbortSignal) => request<Me>('GET', '/api/me', undefined, signal),

  keys: (signal?: AbortSignal) => request<{ data: ApiKey[] }>('GET', '/api/keys', undefined, signal),
  createKey: (body: KeyGovernancePatch & { name: string; default_routing?: RoutingMode; spend_cap_usd?: number }) =>
    request<KeyWithSecret>('POST', '/api/keys', body),
  updateKey: (id: string, patch: KeyPatch) => request<{ key: ApiKey }>('PATCH', `/api/keys/${encodeURIComponent(id)}`, patch),
  rotateKey: (id: string, graceSeconds: number) =>
    request<KeyWithSecret>('POST', `/api/keys/${encodeURIComponent(id)}/rotate`, graceSeconds > 0 ? { grace_seconds: graceSeconds } : {}),
  revokeKey: (id: string) => request<{ key: ApiKey }>('POST', `/api/keys/${encodeURIComponent(id)}/revoke`, {}),

  providerKeys: (signal?: AbortSignal) => request<{ data: ProviderKey[] }>('GET', '/api/provider-keys', undefined, signal),
  addProviderKey: (provider: string, apiKey: string, test: boolean) =>
    request<{ provider_key: ProviderKey }>('POST', '/api/provider-keys', { provider, api_key: apiKey, test }),
  deleteProviderKey: (id: string) => request<void>('DELETE', `/api/provider-keys/${encodeURIComponent(id)}`),

  usage: (granularity: 'day' | 'hour', days: number, signal?: AbortSignal, user?: string) =>
    request<UsageAnswer>('GET', `/api/usage${query({ granularity, days, user })}`, undefined, signal),
  logs: (
    filters: { limit?: number; cursor?: string | null; model?: string; key_id?: string; status?: string; user?: string },
    signal?: AbortSignal,
  ) => request<LogsAnswer>('GET', `/api/logs${query(filters)}`, undefined, signal),
  models: async (signal?: AbortSignal): Promise<CatalogModel[]> => {
    const answer = await request<{ data?: CatalogModel[] } | CatalogModel[]>('GET', '/api/models', undefined, signal);
    return Array.isArray(answer) ? answer : (answer.data ?? []);
  },
  status: (signal?: AbortSignal) => request<StatusAnswer>('GET', '/api/status', undefined, signal),
};
