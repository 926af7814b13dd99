/**
 * Streamable HTTP. Stateless by default: every POST gets a fresh server and transport, so any
 * replica behind a load balancer can answer any request. `stateful` keeps sessions in memory
 * instead (sticky routing needed), which lets the server push tools/list_changed.
 *
 * Order of checks: Host/Origin, API key, body, rate limit, role. Routes: POST/GET/DELETE /mcp,
 * GET /healthz (open, for load balancers), GET /metrics (any valid key).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { KeyRing } from '../auth/keys.js';
import { RateLimiter } from '../auth/rate-limit.js';
import { type Principal, roleAllows } from '../auth/roles.js';
import type { HealthProbe } from '../health.js';
import { FORBIDDEN_ERROR_CODE, type McpServices, createMcpServer, forbiddenMessage, recordForbidden } from '../server.js';
import { LOOPBACK_HOSTS, type Refusal, authenticate, checkHostAndOrigin, isLoopback } from './guards.js';

export interface HttpOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** null: no API keys (allowed on loopback only); every caller is admin. */
  readonly keys: KeyRing | null;
  readonly rateLimitPerMinute: number;
  /** Host names accepted in the Host header; default the loopback names when bound to loopback. */
  readonly allowedHosts?: readonly string[];
  /** Browser origins accepted; default none. */
  readonly allowedOrigins?: readonly string[];
  readonly stateful?: boolean;
  readonly maxBodyBytes?: number;
  readonly sessionIdleMs?: number;
  readonly maxSessions?: number;
  readonly path?: string;
}

export interface HttpHandle {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** JSON-RPC error code sent with 429 answers (server-defined range). */
export const RATE_LIMITED_ERROR_CODE = -32029;

const ANONYMOUS: Principal = { keyId: 'anonymous', role: 'admin' };

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly keyId: string;
  lastSeen: number;
}

type JsonRpcMessage = { jsonrpc?: string; id?: string | number | null; method?: string; params?: Record<string, unknown> };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function rpcError(id: JsonRpcMessage['id'], code: number, message: string) {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message } };
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  send(res, refusal.status, refusal.body ?? rpcError(null, ErrorCode.InvalidRequest, refusal.message), refusal.headers);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toolOf(message: JsonRpcMessage): string | undefined {
  return message.method === 'tools/call' && typeof message.params?.name === 'string' ? message.params.name : undefined;
}

export async function serveHttp(services: McpServices, health: HealthProbe, options: HttpOptions): Promise<HttpHandle> {
  const path = options.path ?? '/mcp';
  if (!options.keys && !isLoopback(options.host)) {
    throw new Error(`refusing to serve HTTP on ${options.host} without API keys: configure keys (BATON_MCP_KEYS or a keys file), or bind to 127.0.0.1`);
  }
  const allowedHosts = options.allowedHosts?.map((h) => h.toLowerCase()) ?? (isLoopback(options.host) ? LOOPBACK_HOSTS : undefined);
  if (!allowedHosts) services.logger.warn('no --allowed-hosts: any Host header is accepted (API keys and the Origin check still apply)', { host: options.host });
  const allowedOrigins = options.allowedOrigins ?? [];
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sessions = new Map<string, Session>();
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 1000;
  const log = services.logger.child({ transport: 'http' });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now - session.lastSeen > idleMs) {
        sessions.delete(id);
        void session.transport.close();
      }
    }
    services.metrics.sessions.set(sessions.size);
  }, 60_000);
  sweep.unref();

  async function healthz(res: ServerResponse): Promise<void> {
    const conductor = await health.check();
    services.metrics.conductorUp.set(conductor.reachable ? 1 : 0);
    const snapshot = services.catalogue.current;
    send(res, conductor.reachable ? 200 : 503, {
      status: conductor.reachable ? 'ok' : 'degraded',
      version: services.serverInfo.version,
      conductor: { url: services.runs.conductor.base, ...conductor },
      tools: { workflows: snapshot.tools.length, revision: snapshot.revision },
    });
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    const method = req.method ?? 'GET';
    let parsed: unknown;
    if (method === 'POST') {
      let text: string;
      try {
        text = await readBody(req, maxBody);
      } catch (error) {
        if (error instanceof BodyTooLarge) return send(res, 413, rpcError(null, ErrorCode.InvalidRequest, `Request body over ${maxBody} bytes`));
        throw error;
      }
      try {
        parsed = JSON.parse(text);
      } catch {
        return send(res, 400, rpcError(null, ErrorCode.ParseError, 'Parse error: the body is not JSON'));
      }
      const messages = (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcMessage[];
      if (messages.length === 0 || messages.some((m) => m === null || typeof m !== 'object')) {
        return send(res, 400, rpcError(null, ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC message'));
      }
      const firstTool = messages.map(toolOf).find((t) => t !== undefined);
      const decision = limiter.take(principal.keyId, principal.rateLimitPerMinute);
      if (!decision.allowed) {
        services.metrics.rateLimited.inc({ key: principal.keyId, tool: firstTool ?? messages[0]?.method ?? '(none)' });
        return send(
          res,
          429,
          rpcError(messages[0]?.id, RATE_LIMITED_ERROR_CODE, `Rate limit of ${decision.limit} calls per minute reached for key '${principal.keyId}'; retry in ${decision.retryAfterSeconds} s`),
          { 'Retry-After': String(decision.retryAfterSeconds) },
        );
      }
      // Refuse a tool the role may not use with a real 403, before any MCP machinery runs.
      for (const message of messages) {
        const name = toolOf(message);
        const tool = name !== undefined ? services.registry.get(name) : undefined;
        if (tool && !roleAllows(principal.role, tool.role)) {
          recordForbidden(services, principal, tool, message.params?.arguments, 'http');
          return send(res, 403, rpcError(message.id, FORBIDDEN_ERROR_CODE, forbiddenMessage(principal, tool)));
        }
      }
    }

    const authInfo: AuthInfo = { token: '', clientId: principal.keyId, scopes: [principal.role], extra: { principal } };
    const request = Object.assign(req, { auth: authInfo });

    if (!options.stateful) {
      if (method !== 'POST') return send(res, 405, rpcError(null, ErrorCode.InvalidRequest, 'Method not allowed: this server is stateless; POST JSON-RPC messages'), { Allow: 'POST' });
      const messages = (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcMessage[];
      // Streams (SSE) only when progress was asked for; plain JSON otherwise.
      const wantsProgress = messages.some((m) => (m.params?._meta as Record<string, unknown> | undefined)?.progressToken !== undefined);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: !wantsProgress });
      const server = createMcpServer(services, { transport: 'http' });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request, res, parsed);
      return;
    }

    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      // Someone else's session is as unknown as an expired one.
      if (!session || session.keyId !== principal.keyId) return send(res, 404, rpcError(null, -32001, 'Session not found: initialize a new one'));
      session.lastSeen = Date.now();
      await session.transport.handleRequest(request, res, parsed);
      return;
    }
    if (method !== 'POST' || !(Array.isArray(parsed) ? parsed.some(isInitializeRequest) : isInitializeRequest(parsed))) {
      return send(res, 400, rpcError(null, ErrorCode.InvalidRequest, 'Bad Request: send initialize first, then the Mcp-Session-Id header it returns'));
    }
    if (sessions.size >= maxSessions) return send(res, 503, rpcError(null, ErrorCode.InternalError, 'Too many open sessions; try again later'), { 'Retry-After': '30' });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, keyId: principal.keyId, lastSeen: Date.now() });
        services.metrics.sessions.set(sessions.size);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        services.metrics.sessions.set(sessions.size);
      },
    });
    const server = createMcpServer(services, { transport: 'http', notifyListChanged: true });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(request, res, parsed);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname === path ? 'mcp' : url.pathname === '/healthz' ? 'healthz' : url.pathname === '/metrics' ? 'metrics' : 'other';
    res.on('finish', () => services.metrics.httpRequests.inc({ path: route === 'other' ? '(other)' : url.pathname, status: String(res.statusCode) }));

    const hostRefusal = checkHostAndOrigin(req, allowedHosts, allowedOrigins);
    if (hostRefusal) {
      services.metrics.authFailures.inc({ reason: 'host_or_origin' });
      return refuse(res, hostRefusal);
    }
    if (route === 'healthz' && req.method === 'GET') return healthz(res);
    if (route === 'other') return send(res, 404, { error: `Not found: MCP is served at ${path}` });

    let principal = ANONYMOUS;
    if (options.keys) {
      const auth = authenticate(req, options.keys);
      if ('refusal' in auth) {
        services.metrics.authFailures.inc({ reason: auth.reason });
        return refuse(res, auth.refusal);
      }
      principal = auth.principal;
    }
    if (route === 'metrics') {
      if (req.method !== 'GET') return send(res, 405, 'Method not allowed\n', { Allow: 'GET' });
      return send(res, 200, services.metrics.render(), { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    }
    return handleMcp(req, res, principal);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('request failed', { error, stack: error instanceof Error ? error.stack : undefined, url: req.url });
      send(res, 500, rpcError(null, ErrorCode.InternalError, 'Internal error; see the server log'));
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = (services.limits.maxWaitSeconds + 30) * 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}${path}`;
  log.info('serving MCP over Streamable HTTP', { url, stateful: options.stateful === true, auth: options.keys ? `${options.keys.size} keys` : 'none' });

  return {
    url,
    port,
    async close() {
      clearInterval(sweep);
      for (const session of sessions.values()) await session.transport.close().catch(() => undefined);
      sessions.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
