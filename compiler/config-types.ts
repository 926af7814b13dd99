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
  /** Files of API keys (see the README's MCP section). */
  keysFile?: string;
  /** Calls per minute per key over HTTP. */
  rateLimitPerMinute?: number;
  /** Where write operations are logged (JSON lines). */
  auditLog?: string;
  /** Largest answer, in bytes, before output is summarised. */
  maxResponseBytes?: number;
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
