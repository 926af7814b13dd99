/**
 * A tool per compiled workflow. By the time it runs, the server has checked the arguments
 * against the tool's schema; it starts a run (at most once per idempotency key) and answers
 * with the run envelope, after an optional bounded wait for the result.
 */
import type { WorkflowTool } from '../catalogue.js';
import { ToolFailure, toToolFailure } from '../errors.js';
import type { ConductorRun } from '../runs.js';
import { type ControlFields, INPUT_FIELD } from '../tool-schema.js';
import { progressMessage, waitForRun } from '../wait.js';
import { envelopeFor, runAnswer } from './common.js';
import type { CallContext, ServedTool, ToolAnswer, ToolServices } from './types.js';

type Arguments = ControlFields & { readonly [INPUT_FIELD]?: unknown };

interface Started {
  readonly workflowId: string;
  /** An earlier call with the same idempotency key started it. */
  readonly deduplicated: boolean;
}

/**
 * Conductor OSS ignores StartWorkflowRequest.idempotencyKey (Orkes honours it), so baton keeps
 * the promise itself: the key becomes the run's correlation id, and a start first looks for a
 * run of this workflow with that correlation id (a consistent read in Conductor's database, not
 * the search index). Concurrent calls in this process share one lookup-and-start.
 */
async function startIdempotently(services: ToolServices, request: { name: string; version: number; input: unknown; key: string }): Promise<Started> {
  const flightKey = `${request.name}\u0000${request.key}`;
  const inFlight = services.startsInFlight.get(flightKey) as Promise<Started> | undefined;
  if (inFlight) return { ...(await inFlight), deduplicated: true };
  const attempt = (async (): Promise<Started> => {
    const existing = (await services.runs.correlated(request.name, request.key)).sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0));
    if (existing[0]) return { workflowId: existing[0].workflowId, deduplicated: true };
    const workflowId = await services.runs.start({ name: request.name, version: request.version, input: request.input, correlationId: request.key, idempotencyKey: request.key });
    return { workflowId, deduplicated: false };
  })();
  services.startsInFlight.set(flightKey, attempt);
  try {
    return await attempt;
  } finally {
    services.startsInFlight.delete(flightKey);
  }
}

async function run(entry: WorkflowTool, args: Record<string, unknown>, context: CallContext, services: ToolServices): Promise<ToolAnswer> {
  const control = args as Arguments;
  const version = control.version ?? entry.latest;
  const chosen = entry.versions.get(version);
  if (!chosen) throw new ToolFailure(`version must be one of ${[...entry.versions.keys()].join(', ')}`, 'invalid_input');
  const input = control[INPUT_FIELD] ?? {};
  context.notes.workflow = entry.workflowName;
  if (chosen.definition?.maskedFields?.length) context.notes.maskedFields = chosen.definition.maskedFields;
  if (control.idempotencyKey !== undefined && control.correlationId !== undefined && control.idempotencyKey !== control.correlationId) {
    throw new ToolFailure('Give correlationId or idempotencyKey, not both: the idempotency key is kept as the run\'s correlation id.', 'invalid_input');
  }

  let started: Started;
  try {
    started =
      control.idempotencyKey !== undefined
        ? await startIdempotently(services, { name: entry.workflowName, version, input, key: control.idempotencyKey })
        : {
            workflowId: await services.runs.start({
              name: entry.workflowName,
              version,
              input,
              ...(control.correlationId !== undefined && { correlationId: control.correlationId }),
            }),
            deduplicated: false,
          };
  } catch (error) {
    const failure = toToolFailure(error, `start ${entry.workflowName}`);
    if (failure.kind === 'not_found') {
      throw new ToolFailure(`Workflow ${entry.workflowName} version ${version} is not registered on this Conductor server; the operator must run 'baton register'.`, 'conductor');
    }
    throw failure;
  }
  context.notes.executionId = started.workflowId;

  const waitSeconds = control.waitSeconds ?? 0;
  let current: ConductorRun = {
    workflowId: started.workflowId,
    workflowName: entry.workflowName,
    workflowVersion: version,
    status: 'RUNNING',
    ...((control.correlationId ?? control.idempotencyKey) !== undefined && { correlationId: control.correlationId ?? control.idempotencyKey }),
  };
  let timedOut = false;
  try {
    if (waitSeconds > 0) {
      const outcome = await waitForRun(services.runs, started.workflowId, {
        timeoutMs: waitSeconds * 1000,
        signal: context.signal,
        ...(context.progress && {
          onProgress: (r: ConductorRun, elapsed: number) => context.progress!(Math.round(elapsed / 100) / 10, waitSeconds, progressMessage(r)),
        }),
      });
      current = outcome.run;
      timedOut = outcome.timedOut;
    } else if (started.deduplicated) {
      // The earlier run may be anywhere by now; report where.
      current = await services.runs.get(started.workflowId, false);
    }
  } catch (error) {
    // The run exists; say so, rather than inviting a second start.
    const failure = toToolFailure(error, `read run ${started.workflowId}`);
    throw new ToolFailure(`Started run ${started.workflowId}, but ${failure.message.replace(/^Could not /, 'could not ')} Use baton_get_run to follow it.`, failure.kind);
  }
  const envelope = { ...envelopeFor(services, current), ...(started.deduplicated && { deduplicated: true }) };
  const lead = started.deduplicated
    ? 'This idempotency key already started a run; no new run was started.'
    : timedOut
      ? `Started; still ${current.status} after ${waitSeconds} s.`
      : undefined;
  return runAnswer(envelope, {}, lead);
}

export function workflowTool(entry: WorkflowTool): ServedTool {
  const masked = entry.versions.get(entry.latest)?.definition?.maskedFields;
  return {
    name: entry.name,
    notes: { workflow: entry.workflowName, ...(masked?.length && { maskedFields: masked }) },
    role: 'operator',
    writes: true,
    definition: entry.tool,
    check: entry.checkArguments,
    run: (args, context, services) => run(entry, args, context, services),
  };
}
