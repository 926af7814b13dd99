/** API keys, roles and rate limits. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyRing, generateKey, hashKey, loadKeysFile, parseKeysEnv, parseKeysFile } from '../../../mcp/auth/keys.js';
import { RateLimiter } from '../../../mcp/auth/rate-limit.js';
import { roleAllows } from '../../../mcp/auth/roles.js';
import { resolveMcpOptions } from '../../../mcp/options.js';

describe('API keys', () => {
  it('stores only hashes and finds the key a secret belongs to', () => {
    const alice = generateKey();
    const bob = generateKey();
    expect(alice).toMatch(/^baton_[A-Za-z0-9_-]{43}$/);
    const keys = parseKeysFile(
      JSON.stringify({ keys: [{ id: 'alice', role: 'operator', hash: hashKey(alice), rateLimitPerMinute: 60 }, { id: 'bob', role: 'viewer', hash: hashKey(bob) }] }),
      'keys.json',
    );
    const ring = new KeyRing(keys);
    expect(ring.verify(alice).key).toMatchObject({ keyId: 'alice', role: 'operator', rateLimitPerMinute: 60 });
    expect(ring.verify(bob).key).toMatchObject({ keyId: 'bob', role: 'viewer' });
    expect(ring.verify(`${alice}x`)).toEqual({});
    expect(ring.verify('')).toEqual({});
  });

  it('refuses expired keys', () => {
    const secret = generateKey();
    const ring = new KeyRing(parseKeysFile(JSON.stringify({ keys: [{ id: 'old', role: 'admin', hash: hashKey(secret), expires: '2020-01-01T00:00:00Z' }] }), 'k.json'));
    expect(ring.verify(secret)).toEqual({ expired: true });
  });

  it('reads keys from the environment, plain or hashed', () => {
    const keys = parseKeysEnv(`ci:operator:a-long-enough-secret, ops:admin:${hashKey('another-long-secret')}`);
    const ring = new KeyRing(keys);
    expect(ring.verify('a-long-enough-secret').key?.keyId).toBe('ci');
    expect(ring.verify('another-long-secret').key?.keyId).toBe('ops');
  });

  it('says what is wrong with a bad keys file', () => {
    expect(() => parseKeysFile('{', 'k.json')).toThrow(/k\.json: not valid JSON/);
    expect(() => parseKeysFile('{"keys":{}}', 'k.json')).toThrow(/expected \{ "keys": \[/);
    expect(() => parseKeysFile('{"keys":[{"id":"a","role":"root","hash":"x"}]}', 'k.json')).toThrow(/keys\[0\] \(a\): role must be one of viewer, operator, admin/);
    expect(() => parseKeysFile('{"keys":[{"id":"a","role":"admin","secret":"s"}]}', 'k.json')).toThrow(/store the key's hash, not the key/);
    expect(() => parseKeysFile('{"keys":[{"id":"a","role":"admin","hash":"md5:00"}]}', 'k.json')).toThrow(/hash must be 'sha256:' and 64 hex digits/);
    expect(() => parseKeysEnv('ci:operator:short')).toThrow(/at least 16 characters/);
    expect(() => new KeyRing([...parseKeysEnv('a:admin:0123456789abcdef'), ...parseKeysEnv('a:viewer:0123456789abcdefg')])).toThrow(/defined twice/);
    expect(() => loadKeysFile('/nonexistent/keys.json')).toThrow(/cannot read the MCP keys file/);
  });

  it('ranks roles', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('operator', 'admin')).toBe(false);
  });
});

describe('rate limits', () => {
  it('allows a burst up to the limit, then refuses with the wait until the next call', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('k').allowed).toBe(true);
    const refused = limiter.take('k');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0, limit: 60 });
    expect(limiter.take('other').allowed).toBe(true);
    now += 1000;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
    // A per-key limit overrides the default.
    expect(limiter.take('slow', 1).allowed).toBe(true);
    expect(limiter.take('slow', 1).retryAfterSeconds).toBe(60);
  });
});

describe('options', () => {
  it('requires keys for HTTP, from a file, the environment or the config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-keys-'));
    try {
      expect(() => resolveMcpOptions(dir, {}, { http: true }, {})).toThrow(/HTTP needs API keys: set BATON_MCP_KEYS/);
      writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [{ id: 'a', role: 'viewer', hash: hashKey('0123456789abcdef') }] }));
      const fromConfig = resolveMcpOptions(dir, { keysFile: 'keys.json', rateLimitPerMinute: 10, http: { port: 4000 } }, { http: true }, {});
      expect(fromConfig.keys?.size).toBe(1);
      expect(fromConfig).toMatchObject({ port: 4000, host: '127.0.0.1', rateLimitPerMinute: 10, auditLog: join(dir, '.baton/mcp-audit.jsonl') });
      const fromEnv = resolveMcpOptions(dir, {}, { http: true, port: 5000, auditLog: 'off' }, { BATON_MCP_KEYS: 'b:admin:0123456789abcdef', BATON_MCP_ALLOWED_HOSTS: 'mcp.example.com, localhost' });
      expect(fromEnv).toMatchObject({ port: 5000, auditLog: null, allowedHosts: ['mcp.example.com', 'localhost'] });
      expect(resolveMcpOptions(dir, {}, { http: true, auth: false }, {}).keys).toBeNull();
      expect(() => resolveMcpOptions(dir, {}, { maxWait: 0 }, {})).toThrow(/max wait must be a whole number from 1 to 3600/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
