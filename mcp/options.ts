/**
 * Settings of `baton mcp`, from (highest first) command-line flags, environment variables,
 * `mcp` in baton.config.ts, and defaults. Environment variables:
 *   BATON_MCP_KEYS         API keys, `id:role:secret` separated by commas (secret or sha256:<hex>)
 *   BATON_MCP_KEYS_FILE    JSON file of hashed keys
 *   BATON_MCP_AUDIT_LOG    audit log file, '-' for stderr, 'off' for none
 *   BATON_MCP_ALLOWED_HOSTS / BATON_MCP_ALLOWED_ORIGINS   comma-separated lists
 *   BATON_LOG_LEVEL        debug, info, warn, error
 */
import { resolve } from 'node:path';
import type { McpConfig } from '../compiler/config-types.js';
import { type ApiKey, KeyRing, loadKeysFile, parseKeysEnv } from './auth/keys.js';
import { type LogLevel, isLogLevel } from './log.js';
import { DEFAULTS } from './defaults.js';

export const ENV = {
  keys: 'BATON_MCP_KEYS',
  keysFile: 'BATON_MCP_KEYS_FILE',
  auditLog: 'BATON_MCP_AUDIT_LOG',
  allowedHosts: 'BATON_MCP_ALLOWED_HOSTS',
  allowedOrigins: 'BATON_MCP_ALLOWED_ORIGINS',
  logLevel: 'BATON_LOG_LEVEL',
} as const;

export const DEFAULT_PORT = 3333;
export const DEFAULT_AUDIT_LOG = '.baton/mcp-audit.jsonl';

export interface McpFlags {
  readonly http?: boolean;
  readonly port?: number;
  readonly host?: string;
  readonly stateful?: boolean;
  readonly keysFile?: string;
  readonly allowedHosts?: string;
  readonly allowedOrigins?: string;
  readonly auditLog?: string;
  readonly rateLimit?: number;
  readonly maxWait?: number;
  readonly logLevel?: string;
  readonly auth?: boolean;
  readonly watch?: boolean;
}

export interface ResolvedMcpOptions {
  readonly http: boolean;
  readonly host: string;
  readonly port: number;
  readonly stateful: boolean;
  /** null when --no-auth. */
  readonly keys: KeyRing | null;
  readonly allowedHosts?: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly auditLog: string | null;
  readonly rateLimitPerMinute: number;
  readonly maxWaitSeconds: number;
  readonly maxResponseBytes: number;
  readonly pageSize: number;
  readonly logLevel: LogLevel;
  readonly watch: boolean;
  readonly name?: string;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function positiveInt(value: number | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${what} must be a whole number from 1 to ${max} (got ${value})`);
  return value;
}

export function resolveMcpOptions(root: string, config: McpConfig, flags: McpFlags, env: NodeJS.ProcessEnv = process.env): ResolvedMcpOptions {
  const http = flags.http === true;
  const logLevel = flags.logLevel ?? env[ENV.logLevel] ?? 'info';
  if (!isLogLevel(logLevel)) throw new Error(`log level must be debug, info, warn, error or silent (got '${logLevel}')`);

  const auditSetting = flags.auditLog ?? env[ENV.auditLog] ?? config.auditLog ?? DEFAULT_AUDIT_LOG;
  const auditLog = auditSetting === 'off' ? null : auditSetting === '-' ? '-' : resolve(root, auditSetting);

  let keys: KeyRing | null = null;
  if (flags.auth !== false) {
    const found: ApiKey[] = [];
    const file = flags.keysFile ?? env[ENV.keysFile] ?? config.keysFile;
    if (file) found.push(...loadKeysFile(resolve(root, file)));
    const fromEnv = env[ENV.keys];
    if (fromEnv) found.push(...parseKeysEnv(fromEnv, ENV.keys));
    if (http && found.length === 0) {
      throw new Error(
        `HTTP needs API keys: set ${ENV.keys}=id:role:secret, or point --keys-file (or ${ENV.keysFile}, or mcp.keysFile) at a keys file. ` +
          `'baton mcp keygen --id NAME --role operator' makes one. For local experiments only, --no-auth serves 127.0.0.1 without keys.`,
      );
    }
    keys = new KeyRing(found);
  }

  const allowedHosts = list(flags.allowedHosts) ?? list(env[ENV.allowedHosts]) ?? config.http?.allowedHosts;
  return {
    http,
    host: flags.host ?? config.http?.host ?? '127.0.0.1',
    port: flags.port ?? config.http?.port ?? DEFAULT_PORT,
    stateful: flags.stateful ?? config.http?.stateful ?? false,
    keys,
    ...(allowedHosts && { allowedHosts }),
    allowedOrigins: list(flags.allowedOrigins) ?? list(env[ENV.allowedOrigins]) ?? config.http?.allowedOrigins ?? [],
    auditLog,
    rateLimitPerMinute: positiveInt(flags.rateLimit ?? config.rateLimitPerMinute, 'rate limit') ?? DEFAULTS.rateLimitPerMinute,
    maxWaitSeconds: positiveInt(flags.maxWait ?? config.maxWaitSeconds, 'max wait', 3600) ?? DEFAULTS.maxWaitSeconds,
    maxResponseBytes: positiveInt(config.maxResponseBytes, 'mcp.maxResponseBytes') ?? DEFAULTS.maxResponseBytes,
    pageSize: positiveInt(config.pageSize, 'mcp.pageSize', 1000) ?? DEFAULTS.pageSize,
    logLevel,
    watch: flags.watch !== false,
    ...(config.name !== undefined && { name: config.name }),
  };
}
