/**
 * Orkes-style token authentication of baton's Conductor client, over real HTTP against a local
 * endpoint that follows Orkes' token protocol (POST /api/token with keyId and keySecret, then
 * the token in X-Authorization; 401 for a missing, revoked or expired one). What Conductor does
 * with the requests is not the point here; how the client gets, reuses and renews its token is.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Conductor, ConductorError, tokenLifetimeMs } from '../../../runtime/conductor.js';

interface TokenServer {
  readonly url: string;
  readonly tokenRequests: { keyId: string; keySecret: string }[];
  /** Tokens the server accepts; removing one revokes it. */
  readonly valid: Set<string>;
  close(): Promise<void>;
}

let server: TokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function tokenServer(): Promise<TokenServer> {
  const tokenRequests: { keyId: string; keySecret: string }[] = [];
  const valid = new Set<string>();
  let issued = 0;
  const http: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const send = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.method === 'POST' && request.url === '/api/token') {
        const credentials = JSON.parse(body) as { keyId: string; keySecret: string };
        tokenRequests.push(credentials);
        if (credentials.keySecret !== 'right') return send(401, { message: 'invalid credentials' });
        const token = `token-${++issued}`;
        valid.add(token);
        return send(200, { token });
      }
      const token = request.headers['x-authorization'];
      if (typeof token !== 'string' || !valid.has(token)) return send(401, { message: 'token expired' });
      send(200, { path: request.url, token });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    tokenRequests,
    valid,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}

describe('Orkes token authentication', () => {
  it('fetches a token once, shares it between concurrent calls, and sends it on every request', async () => {
    server = await tokenServer();
    const conductor = new Conductor({ serverUrl: `${server.url}/api`, keyId: 'app', keySecret: 'right' });
    const answers = await Promise.all([1, 2, 3].map((n) => conductor.get<{ token: string }>(`/metadata/workflow/w${n}`)));
    expect(answers.map((a) => a.token)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(server.tokenRequests).toEqual([{ keyId: 'app', keySecret: 'right' }]);
  });

  it('renews a token the server stopped accepting, once, and repeats the request', async () => {
    server = await tokenServer();
    const conductor = new Conductor({ serverUrl: server.url, keyId: 'app', keySecret: 'right' });
    await conductor.get('/a');
    server.valid.clear();
    expect(await conductor.get<{ token: string }>('/b')).toMatchObject({ path: '/api/b', token: 'token-2' });
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('says which credentials to check when the key is refused, without retrying', async () => {
    server = await tokenServer();
    const conductor = new Conductor({ serverUrl: server.url, keyId: 'app', keySecret: 'wrong', retryDelayMs: 1 });
    const failure = await conductor.get('/a').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConductorError);
    expect((failure as ConductorError).message).toMatch(/authentication failed \(401\): check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET/);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('plans renewal from the token’s own expiry when it is a JWT', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
    expect(tokenLifetimeMs(jwt({ exp: now / 1000 + 3600 }), now)).toBe(55 * 60_000);
    expect(tokenLifetimeMs(jwt({ exp: now / 1000 + 60 }), now)).toBe(0);
    expect(tokenLifetimeMs('opaque-token', now)).toBe(45 * 60_000);
  });
});
