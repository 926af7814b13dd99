/**
 * `baton validate --server`: asks the server about every definition without storing anything.
 * - workflows: `POST /metadata/workflow/validate` (Conductor runs the same constraint checks as
 *   on registration and answers 200, or 400 with the problems; nothing is stored);
 * - schedules: `GET /scheduler/nextFewSchedules?cronExpression=…` (the scheduler's own cron
 *   parser; its save endpoint accepts an invalid expression without complaint);
 * - sub-workflows the project calls must be in the project or on the server.
 * Task definitions have no validate endpoint; their rules are checked by the compiler.
 */
import { ConductorError, type Conductor } from '../runtime/conductor.js';
import type { DefinitionSet } from './definitions.js';
import { missingDependencies } from './dependencies.js';
import { mapLimit } from './pool.js';
import { type Failure, failuresFromError } from './server-errors.js';
import { readServerState } from './server-state.js';

const PARALLEL = 4;

export interface ServerValidation {
  readonly checked: { readonly workflows: number; readonly schedules: number };
  readonly failures: readonly Failure[];
}

async function validateWorkflows(conductor: Conductor, definitions: DefinitionSet): Promise<Failure[]> {
  const results = await mapLimit(definitions.workflows, PARALLEL, async (w) => {
    try {
      // Validation stores nothing, so it may be retried like a read.
      await conductor.post('/metadata/workflow/validate', w.definition, { retry: true });
      return [];
    } catch (error) {
      if (error instanceof ConductorError && (error.status === 404 || error.status === 405)) {
        throw new Error(`this server has no workflow validation endpoint (POST /api/metadata/workflow/validate answered ${error.status})`);
      }
      return failuresFromError(error, [{ kind: 'workflow', name: w.name, version: w.version, json: w.definition }], definitions.locator);
    }
  });
  return results.flat();
}

async function validateSchedules(conductor: Conductor, definitions: DefinitionSet): Promise<Failure[]> {
  const results = await mapLimit(definitions.schedules, PARALLEL, async (s) => {
    const cron = s.definition.cronExpression;
    if (typeof cron !== 'string') return [];
    try {
      // The server answers an invalid expression with a 500; retrying would not change that.
      await conductor.get('/scheduler/nextFewSchedules', { query: { cronExpression: cron, limit: 1 }, retry: false });
      return [];
    } catch (error) {
      const failures = failuresFromError(error, [{ kind: 'schedule', name: s.name, json: s.definition }], definitions.locator);
      return failures.map((f) => ({ ...f, message: `cron "${cron}": ${f.message}` }));
    }
  });
  return results.flat();
}

export async function validateOnServer(conductor: Conductor, definitions: DefinitionSet): Promise<ServerValidation> {
  const [workflows, schedules, state] = await Promise.all([
    validateWorkflows(conductor, definitions),
    validateSchedules(conductor, definitions),
    readServerState(conductor, { schedules: false }),
  ]);
  const missing: Failure[] = missingDependencies(definitions, state).map((m) => {
    const loc = definitions.locator.task(m.workflow, m.version, m.ref);
    return {
      kind: 'workflow',
      name: m.workflow,
      version: m.version,
      status: 0,
      ref: m.ref,
      message: `calls workflow '${m.target}'${m.targetVersion !== undefined ? ` v${m.targetVersion}` : ''}, which is neither in the project nor on the server`,
      ...(loc && { loc }),
    };
  });
  return {
    checked: { workflows: definitions.workflows.length, schedules: definitions.schedules.length },
    failures: [...workflows, ...schedules, ...missing],
  };
}
