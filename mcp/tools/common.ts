/** Pieces the run tools share: argument schemas, finding a run this server may touch, answers. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { type Envelope, describeEnvelope, envelopeOf } from '../envelope.js';
import { ToolFailure, toToolFailure } from '../errors.js';
import { type ConductorRun, isTerminal } from '../runs.js';
import type { JsonSchema } from '../validation.js';
import type { CallContext, ToolAnswer, ToolServices } from './types.js';

export const EXECUTION_ID: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
  description: 'Execution id of the run (workflowId in a run answer)',
};

export const TASK_REF: JsonSchema = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_.-]+$', description: 'Task reference name' };

export function objectSchema(properties: Record<string, JsonSchema>, required: readonly string[] = []): Tool['inputSchema'] {
  return { type: 'object', properties, ...(required.length > 0 && { required: [...required] }), additionalProperties: false } as Tool['inputSchema'];
}

/** Bytes an envelope's output may take: about half the answer (the text repeats the JSON). */
export function outputBudget(services: ToolServices): number {
  return Math.max(1024, Math.floor(services.limits.maxResponseBytes / 2) - 1024);
}

/**
 * A run, if it belongs to a workflow this server serves. Runs of other workflows on the same
 * Conductor are reported as not found: the agent learns nothing about them.
 */
export async function scopedRun(services: ToolServices, context: CallContext, executionId: string, includeTasks: boolean): Promise<ConductorRun> {
  context.notes.executionId = executionId;
  let run: ConductorRun;
  try {
    run = await services.runs.get(executionId, includeTasks);
  } catch (error) {
    const failure = toToolFailure(error, `read run ${executionId}`);
    if (failure.kind === 'not_found') throw notFound(executionId);
    throw failure;
  }
  if (!run || typeof run !== 'object' || !services.catalogue.current.workflowNames.has(run.workflowName)) throw notFound(executionId);
  context.notes.workflow = run.workflowName;
  const masked = maskedFieldsOf(services, run);
  if (masked.length > 0) context.notes.maskedFields = masked;
  return run;
}

function notFound(executionId: string): ToolFailure {
  return new ToolFailure(`No run with id ${executionId} among this server's workflows. Check the id, or find runs with baton_search_runs.`, 'not_found');
}

function versionOf(services: ToolServices, run: ConductorRun) {
  const tool = services.catalogue.current.tools.find((t) => t.workflowName === run.workflowName);
  return tool?.versions.get(run.workflowVersion ?? tool.latest);
}

export function maskedFieldsOf(services: ToolServices, run: ConductorRun): readonly string[] {
  const { definitions } = services.catalogue.current;
  return definitions.get(`${run.workflowName}@${run.workflowVersion}`)?.maskedFields ?? versionOf(services, run)?.definition?.maskedFields ?? [];
}

export function envelopeFor(services: ToolServices, run: ConductorRun): Envelope {
  const version = versionOf(services, run);
  return envelopeOf(run, {
    outputBudgetBytes: outputBudget(services),
    maskedFields: maskedFieldsOf(services, run),
    ...(version?.checkOutput && { checkOutput: version.checkOutput }),
  });
}

/** A run's answer: failed, timed-out and terminated runs are business failures (isError). */
export function runAnswer(envelope: Envelope, extra: Record<string, unknown> = {}, lead?: string): ToolAnswer {
  const failed = isTerminal(envelope.status) && envelope.status !== 'COMPLETED';
  return {
    text: lead ? `${lead} ${describeEnvelope(envelope)}` : describeEnvelope(envelope),
    structured: { ...envelope, ...extra },
    ...(failed && { isError: true }),
  };
}

/** Refuses an action the run's state does not allow, before Conductor is asked. */
export function requireStatus(run: ConductorRun, allowed: readonly string[], action: string, hint: string): void {
  if (!allowed.includes(run.status)) {
    throw new ToolFailure(`Cannot ${action} run ${run.workflowId}: it is ${run.status}, and only ${allowed.join(' or ')} runs can be. ${hint}`, 'conflict');
  }
}

export const ISO_TIME = (ms: number | undefined): string | undefined => (ms && ms > 0 ? new Date(ms).toISOString() : undefined);
