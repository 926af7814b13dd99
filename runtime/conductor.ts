/**
 * The connection to a Conductor server, shared by every command that talks to one (register,
 * run, worker, mcp): where it is (CONDUCTOR_SERVER_URL, with or without a trailing /api, since
 * the SDKs disagree), how to authenticate (Orkes key/secret → token, refreshed on expiry and on
 * 401; none for plain OSS), and requests that retry network errors and 5xx answers with backoff.
 */

export interface ConnectionOptions {
  /** Server address, e.g. http://localhost:8080 or http://localhost:8080/api. */
  readonly serverUrl?: string;
  readonly keyId?: string;
  readonly keySecret?: string;
  /** Attempts for a request that fails on the network or with a 5xx (default 4). */
  readonly attempts?: number;
  /** First retry delay in ms, doubled each time (default 200). */
  readonly retryDelayMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  readonly timeoutMs?: number;
}

export class ConductorError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ConductorError';
  }

  /** Conductor's own message, e.g. a validation failure, when the body carries one. */
  get serverMessage(): string | undefined {
    const body = this.body as { message?: unknown; validationErrors?: { path?: string; message?: string }[] } | undefined;
    if (!body || typeof body !== 'object') return typeof this.body === 'string' && this.body ? this.body : undefined;
    const details = (body.validationErrors ?? []).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).filter(Boolean);
    const head = typeof body.message === 'string' ? body.message : undefined;
    return [head, ...details].filter(Boolean).join('; ') || undefined;
  }
}

/** Normalises a server address to its base (no trailing slash, no /api). */
export function serverBase(url: string): string {
  let base = url.trim().replace(/\/+$/, '');
  if (base.endsWith('/api')) base = base.slice(0, -4);
  if (!/^https?:\/\//.test(base)) throw new Error(`CONDUCTOR_SERVER_URL must start with http:// or https:// (got '${url}')`);
  return base;
}

export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  return {
    ...(env.CONDUCTOR_SERVER_URL !== undefined && { serverUrl: env.CONDUCTOR_SERVER_URL }),
    ...(env.CONDUCTOR_AUTH_KEY !== undefined && { keyId: env.CONDUCTOR_AUTH_KEY }),
    ...(env.CONDUCTOR_AUTH_SECRET !== undefined && { keySecret: env.CONDUCTOR_AUTH_SECRET }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** Retry 5xx and network errors (default true for GET, and for writes that are idempotent). */
  readonly retry?: boolean;
  readonly headers?: Record<string, string>;
  /** This request's timeout in ms, for calls the server holds open (e.g. synchronous execute). */
  readonly timeoutMs?: number;
}

/** Refresh this long before the token says it expires (or after 45 minutes when it does not say). */
const TOKEN_MARGIN_MS = 5 * 60_000;

/** How long a token may be used: its JWT `exp` claim less a margin, else 45 minutes. */
export function tokenLifetimeMs(token: string, now = Date.now()): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') return Math.max(0, payload.exp * 1000 - now - TOKEN_MARGIN_MS);
  } catch {
    // Not a JWT: fall through.
  }
  return 45 * 60_000;
}

export class Conductor {
  readonly base: string;
  readonly api: string;
  private token: { value: string; expires: number } | undefined;
  /** A token request in flight: concurrent calls wait for it rather than ask again. */
  private fetchingToken: Promise<void> | undefined;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  /** Counts requests by method, so callers (and tests) can prove a no-op made no writes. */
  readonly requests = { GET: 0, POST: 0, PUT: 0, DELETE: 0 } as Record<string, number>;

  constructor(private readonly options: ConnectionOptions = connectionFromEnv()) {
    if (!options.serverUrl) {
      throw new Error('No Conductor server: set CONDUCTOR_SERVER_URL (e.g. http://localhost:8080), or start one with `baton dev-server`.');
    }
    this.base = serverBase(options.serverUrl);
    this.api = `${this.base}/api`;
    this.attempts = options.attempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Requests that may change the server (POST, PUT, PATCH, DELETE), retries included. */
  get writes(): number {
    return Object.entries(this.requests).reduce((sum, [method, count]) => (method === 'GET' || method === 'HEAD' ? sum : sum + count), 0);
  }

  get authenticated(): boolean {
    return Boolean(this.options.keyId && this.options.keySecret);
  }

  /** The header Orkes expects; refreshed before it expires, or at once when `stale` was refused. */
  private async authHeaders(stale?: string): Promise<Record<string, string>> {
    if (!this.authenticated) return {};
    const current = this.token;
    const refresh = !current || Date.now() > current.expires || (stale !== undefined && current.value === stale);
    if (refresh) {
      this.fetchingToken ??= this.fetchToken().finally(() => {
        this.fetchingToken = undefined;
      });
      await this.fetchingToken;
    }
    return { 'X-Authorization': this.token!.value };
  }

  private async fetchToken(): Promise<void> {
    const response = await fetch(`${this.api}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ keyId: this.options.keyId, keySecret: this.options.keySecret }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw new ConductorError(`authentication failed (${response.status}): check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET`, response.status, await readBody(response), 'POST', '/token');
    }
    const { token } = (await response.json()) as { token: string };
    this.token = { value: token, expires: Date.now() + tokenLifetimeMs(token) };
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.api}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const retry = options.retry ?? method === 'GET';
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      this.requests[method] = (this.requests[method] ?? 0) + 1;
      let response: Response;
      let auth: Record<string, string> = {};
      try {
        auth = await this.authHeaders();
        response = await fetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(options.body !== undefined && { 'content-type': 'application/json' }),
            ...auth,
            ...options.headers,
          },
          ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs),
        });
      } catch (error) {
        // Refused credentials are not a network failure: retrying cannot help.
        if (error instanceof ConductorError) throw error;
        if (retry && attempt < this.attempts) {
          await sleep(this.retryDelayMs * 2 ** (attempt - 1));
          continue;
        }
        const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new ConductorError(`cannot reach Conductor at ${this.base} (${cause})`, 0, undefined, method, path);
      }
      if (response.status === 401 && this.authenticated && !refreshed) {
        // The token was revoked or expired early: fetch a new one (once) and ask again.
        refreshed = true;
        await response.body?.cancel();
        await this.authHeaders(auth['X-Authorization']);
        continue;
      }
      const body = await readBody(response);
      const transient = response.status >= 500 || response.status === 429;
      if (transient && retry && attempt < this.attempts && !isPermanent(body)) {
        await sleep(this.retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      if (!response.ok) {
        const error = new ConductorError(`${method} ${path} failed with ${response.status}`, response.status, body, method, path);
        if (error.serverMessage) error.message += `: ${error.serverMessage}`;
        throw error;
      }
      return body as T;
    }
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** True when the server answers its health check. */
  async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(5000) });
      return response.ok;
    } catch {
      return false;
    }
  }
}

/**
 * Conductor's error body says when an error will not go away on its own (`retryable: false`,
 * e.g. a JSON parse error, or an old server's "already exists" wrapped in a 500): retrying
 * those only delays the answer.
 */
function isPermanent(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { retryable?: unknown }).retryable === false;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
