/** What every tool handler gets, and what it gives back. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal, Role } from '../auth/roles.js';
import type { Catalogue } from '../catalogue.js';
import type { Logger } from '../log.js';
import type { Runs } from '../runs.js';
import type { Check } from '../validation.js';

export interface Limits {
  /** Longest wait a call may ask for, in seconds. */
  readonly maxWaitSeconds: number;
  /** Largest answer, in bytes; outputs beyond about half of it are summarised. */
  readonly maxResponseBytes: number;
}

export interface ToolServices {
  readonly catalogue: Catalogue;
  readonly runs: Runs;
  readonly limits: Limits;
  readonly logger: Logger;
  /** In-flight starts by idempotency key, so concurrent retries in this process start one run. */
  readonly startsInFlight: Map<string, Promise<unknown>>;
}

/** What the audit line and metrics should name; filled in by the handler as it learns it. */
export interface CallNotes {
  workflow?: string;
  executionId?: string;
  maskedFields?: readonly string[];
}

export interface CallContext {
  readonly principal: Principal;
  readonly signal: AbortSignal;
  /** Present when the client asked for progress notifications. */
  readonly progress?: (progress: number, total: number | undefined, message: string) => Promise<void>;
  readonly notes: CallNotes;
}

export interface ToolAnswer {
  /** One or two sentences for the agent. */
  readonly text: string;
  readonly structured?: Record<string, unknown>;
  /** A business failure (the run failed): reported as isError with the structured answer. */
  readonly isError?: boolean;
}

export interface ServedTool {
  readonly name: string;
  /** Least role that may call it. */
  readonly role: Role;
  /** Written to the audit log. */
  readonly writes: boolean;
  readonly definition: Tool;
  readonly check: Check;
  /** What is known about a call before it runs (workflow tools: the workflow and its masked fields). */
  readonly notes?: CallNotes;
  run(args: Record<string, unknown>, context: CallContext, services: ToolServices): Promise<ToolAnswer>;
}
