import type { z } from 'zod';
import type { PolicyOverrides, WorkflowTimeoutPolicy } from './policy.js';
import type { SourceLoc } from './source.js';
import type { StepBase } from './step.js';
import type { Json, Value } from './value.js';

export interface ScheduleIR {
  readonly name: string;
  /** Six fields, seconds first, as Conductor's scheduler reads it. */
  readonly cron: string;
  readonly zoneId: string;
  readonly input: Json;
  readonly paused: boolean;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly catchUp: boolean;
  readonly loc: SourceLoc;
}

export interface ExampleIR {
  readonly name: string;
  readonly description?: string;
  readonly input: Json;
  readonly loc: SourceLoc;
}

/** MCP hints for the tool that serves this workflow. */
export interface ToolHintsIR {
  readonly readOnly?: boolean;
  readonly destructive?: boolean;
  readonly idempotent?: boolean;
  readonly openWorld?: boolean;
  readonly title?: string;
  /** false keeps the workflow out of the MCP tool list. */
  readonly expose?: boolean;
}

export interface WorkflowIR {
  readonly kind: 'workflow';
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly steps: readonly StepBase[];
  readonly outputMapping: Readonly<Record<string, Value>>;
  readonly timeoutSeconds?: number;
  readonly timeoutPolicy?: WorkflowTimeoutPolicy;
  readonly ownerEmail?: string;
  readonly tags: readonly string[];
  /** Initial values of the workflow variables. */
  readonly variables: Readonly<Record<string, Json>>;
  readonly variablesSchema?: z.ZodObject;
  /** Name of a workflow to start when this one fails (besides generated compensation). */
  readonly failureWorkflow?: { readonly name: string; readonly version?: number };
  readonly restartable: boolean;
  readonly rateLimit?: { readonly key: Value; readonly concurrentExecLimit: number };
  readonly workflowStatusListenerEnabled: boolean;
  readonly workflowStatusListenerSink?: string;
  readonly maskedFields: readonly string[];
  readonly metadata: Readonly<Record<string, Json>>;
  readonly schedules: readonly ScheduleIR[];
  readonly examples: readonly ExampleIR[];
  readonly tool: ToolHintsIR;
  /** Defaults for every task of this workflow, between the profile and the task's own options. */
  readonly policy?: PolicyOverrides;
  readonly profile?: string;
  /** Set when this workflow was imported from JSON: keep its settings, add no defaults. */
  readonly preserveSettings: boolean;
  /** WorkflowDef fields baton has no option for, written as given after baton's own. */
  readonly fields?: Readonly<Record<string, Json>>;
  readonly loc: SourceLoc;
}
