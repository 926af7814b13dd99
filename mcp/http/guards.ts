/**
 * What an HTTP request must pass before it reaches MCP: a Host this server answers to and no
 * foreign browser Origin (DNS-rebinding protection), then a valid bearer API key.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { KeyRing } from '../auth/keys.js';
import type { Principal } from '../auth/roles.js';

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * A browser tricked into resolving an attacker's name to this address still sends that name
 * as Host, and every browser request across origins carries Origin: refusing unknown ones of
 * either keeps web pages out. MCP clients that are not browsers send no Origin.
 */
export function checkHostAndOrigin(req: IncomingMessage, allowedHosts: readonly string[] | undefined, allowedOrigins: readonly string[]): Refusal | undefined {
  if (allowedHosts) {
    const header = req.headers.host;
    let hostname: string | undefined;
    try {
      hostname = header ? new URL(`http://${header}`).hostname : undefined;
    } catch {
      hostname = undefined;
    }
    if (!hostname || !allowedHosts.includes(hostname.toLowerCase())) {
      return { status: 403, message: `Host '${header ?? ''}' is not allowed; list it with --allowed-hosts` };
    }
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins.includes(origin)) {
    return { status: 403, message: `Origin '${origin}' is not allowed; list it with --allowed-origins` };
  }
  return undefined;
}

function unauthorized(description: string): Refusal {
  const error = new InvalidTokenError(description);
  return {
    status: 401,
    message: description,
    headers: { 'WWW-Authenticate': `Bearer realm="baton-mcp", error="${error.errorCode}", error_description="${description}"` },
    body: error.toResponseObject(),
  };
}

/** The caller behind `Authorization: Bearer <key>`, or why not. */
export function authenticate(req: IncomingMessage, keys: KeyRing): { principal: Principal } | { refusal: Refusal; reason: string } {
  const header = req.headers.authorization;
  if (!header) return { refusal: unauthorized('Missing Authorization header: send Authorization: Bearer <API key>'), reason: 'missing' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { refusal: unauthorized("Authorization header must be 'Bearer <API key>'"), reason: 'malformed' };
  const found = keys.verify(match[1]!);
  if (found.expired) return { refusal: unauthorized('API key has expired'), reason: 'expired' };
  if (!found.key) return { refusal: unauthorized('Unknown API key'), reason: 'unknown' };
  const { keyId, role, rateLimitPerMinute } = found.key;
  return { principal: { keyId, role, ...(rateLimitPerMinute !== undefined && { rateLimitPerMinute }) } };
}
