/**
 * The project configuration (`baton.config.ts`), typed for `defineConfig`. Kept free of runtime
 * imports so workflow files can import it through 'baton' at no cost.
 */
import type { WorkflowTimeoutPolicy } from '../ir/policy.js';
import type { PolicyOptions } from '../dsl/options.js';

export interface PolicyConfig {
  /** Retry/timeout settings for every task (over baton's shipped defaults). */
  defaults?: PolicyOptions;
  /** Named profiles a task, step or workflow can ask for with `profile: 'name'`. */
  profiles?: Record<string, PolicyOptions>;
  /** Whole-workflow defaults. */
  workflow?: { timeoutSeconds?: number; timeoutPolicy?: WorkflowTimeoutPolicy };
}

export interface McpConfig {
  /** Name the MCP server announces. */
  name?: string;
  /** JSON file of hashed API keys for HTTP, relative to the project root (see docs/mcp.md). */
  keysFile?: string;
  /** Calls per minute per key over HTTP (default 1000). */
  rateLimitPerMinute?: number;
  /** Where write operations are logged (JSON lines; '-' for stderr, 'off' for none). Default .baton/mcp-audit.jsonl. */
  auditLog?: string;
  /** Largest answer, in bytes, before output is summarised (default 32768). */
  maxResponseBytes?: number;
  /** Longest wait a tool call may ask for, in seconds (default 50, under clients' usual 60 s timeout). */
  maxWaitSeconds?: number;
  /** Tools per tools/list page (default 100). */
  pageSize?: number;
  /** Defaults for `baton mcp --http`. */
  http?: {
    /** Address to bind (default 127.0.0.1). */
    host?: string;
    /** Port (default 3333). */
    port?: number;
    /** Host names accepted in the Host header (default: the loopback names when bound to loopback). */
    allowedHosts?: string[];
    /** Browser origins accepted (default none). */
    allowedOrigins?: string[];
    /** Keep sessions in memory instead of answering each request on its own (default false). */
    stateful?: boolean;
  };
}

export interface BatonConfig {
  /** Globs of workflow modules, relative to the project root. */
  workflows?: string[];
  /** Globs of worker modules. */
  workers?: string[];
  /** Where compiled output goes (committed). */
  outDir?: string;
  /** ownerEmail written into every definition (Conductor may require one). */
  ownerEmail?: string;
  policy?: PolicyConfig;
  /** tsconfig used by the build's type-check. */
  tsconfig?: string;
  mcp?: McpConfig;
}

export function defineConfig(config: BatonConfig): BatonConfig {
  return config;
}
