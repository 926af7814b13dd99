/**
 * API keys for the HTTP transport. Keys are kept only as SHA-256 hashes (a key is 32 random
 * bytes, so a fast hash is enough; slow hashes are for guessable passwords), and a presented
 * key is compared with every stored hash in constant time.
 *
 * Sources:
 * - a JSON file: `{ "keys": [{ "id": "alice", "role": "operator", "hash": "sha256:<hex>",
 *   "rateLimitPerMinute": 600, "expires": "2027-01-01T00:00:00Z" }] }`
 * - `BATON_MCP_KEYS`: `id:role:secret` entries separated by commas or newlines; the secret may
 *   itself be a `sha256:<hex>` hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Principal, ROLES, type Role, isRole } from './roles.js';

export interface ApiKey extends Principal {
  readonly hash: Buffer;
  readonly expiresAt?: number;
}

const HASH_PREFIX = 'sha256:';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

export function hashKey(secret: string): string {
  return `${HASH_PREFIX}${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** A new key: 32 random bytes, base64url, with a prefix that makes leaked keys easy to spot. */
export function generateKey(): string {
  return `baton_${randomBytes(32).toString('base64url')}`;
}

function parseHash(text: string, where: string): Buffer {
  const hex = text.slice(HASH_PREFIX.length);
  if (!text.startsWith(HASH_PREFIX) || !/^[0-9a-f]{64}$/i.test(hex)) {
    throw new Error(`${where}: hash must be 'sha256:' and 64 hex digits (make one with 'baton mcp keygen')`);
  }
  return Buffer.from(hex, 'hex');
}

function checkId(id: unknown, where: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new Error(`${where}: id must be 1-64 letters, digits, '_', '.', '@' or '-' (got ${JSON.stringify(id)})`);
  }
  return id;
}

function checkRole(role: unknown, where: string): Role {
  if (!isRole(role)) throw new Error(`${where}: role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})`);
  return role;
}

export function parseKeysFile(text: string, file: string): ApiKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = (json as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) throw new Error(`${file}: expected { "keys": [ { "id", "role", "hash" }, … ] }`);
  return list.map((entry: unknown, index) => {
    const where = `${file}: keys[${index}]`;
    if (entry === null || typeof entry !== 'object') throw new Error(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    if ('secret' in e || 'key' in e) throw new Error(`${where}: store the key's hash, not the key (run 'baton mcp keygen')`);
    const id = checkId(e.id, where);
    const role = checkRole(e.role, `${where} (${id})`);
    if (typeof e.hash !== 'string') throw new Error(`${where} (${id}): hash is missing`);
    const hash = parseHash(e.hash, `${where} (${id})`);
    let rateLimitPerMinute: number | undefined;
    if (e.rateLimitPerMinute !== undefined) {
      if (typeof e.rateLimitPerMinute !== 'number' || !Number.isInteger(e.rateLimitPerMinute) || e.rateLimitPerMinute < 1) {
        throw new Error(`${where} (${id}): rateLimitPerMinute must be a positive integer`);
      }
      rateLimitPerMinute = e.rateLimitPerMinute;
    }
    let expiresAt: number | undefined;
    if (e.expires !== undefined) {
      expiresAt = typeof e.expires === 'string' ? Date.parse(e.expires) : Number.NaN;
      if (Number.isNaN(expiresAt)) throw new Error(`${where} (${id}): expires must be an ISO date such as 2027-01-01T00:00:00Z`);
    }
    return { keyId: id, role, hash, ...(rateLimitPerMinute !== undefined && { rateLimitPerMinute }), ...(expiresAt !== undefined && { expiresAt }) };
  });
}

export function parseKeysEnv(value: string, name = 'BATON_MCP_KEYS'): ApiKey[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const where = `${name} entry ${index + 1}`;
      const first = entry.indexOf(':');
      const second = entry.indexOf(':', first + 1);
      if (first < 0 || second < 0) throw new Error(`${where}: expected id:role:secret`);
      const id = checkId(entry.slice(0, first), where);
      const role = checkRole(entry.slice(first + 1, second), `${where} (${id})`);
      const secret = entry.slice(second + 1);
      if (secret.length < 16 && !secret.startsWith(HASH_PREFIX)) throw new Error(`${where} (${id}): the secret must be at least 16 characters`);
      const hash = secret.startsWith(HASH_PREFIX) ? parseHash(secret, `${where} (${id})`) : Buffer.from(hashKey(secret).slice(HASH_PREFIX.length), 'hex');
      return { keyId: id, role, hash };
    });
}

export function loadKeysFile(file: string): ApiKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the MCP keys file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseKeysFile(text, file);
}

export class KeyRing {
  private readonly keys: readonly ApiKey[];

  constructor(keys: readonly ApiKey[]) {
    const ids = new Set<string>();
    for (const key of keys) {
      if (ids.has(key.keyId)) throw new Error(`API key id '${key.keyId}' is defined twice`);
      ids.add(key.keyId);
    }
    this.keys = keys;
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * The key matching a presented secret. Every stored hash is compared, match or not, so the
   * time taken says nothing about which key (or how much of one) was right.
   */
  verify(secret: string, now = Date.now()): { key?: ApiKey; expired?: boolean } {
    const presented = createHash('sha256').update(secret, 'utf8').digest();
    let found: ApiKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(presented, key.hash) && !found) found = key;
    }
    if (!found) return {};
    if (found.expiresAt !== undefined && found.expiresAt <= now) return { expired: true };
    return { key: found };
  }
}
