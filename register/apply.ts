/**
 * Carries out a plan, in the order Conductor needs: task definitions, then workflows layer by
 * layer (sub-workflows and compensation workflows before the workflows that start them), then
 * schedules. Uses the bulk endpoints where Conductor has them:
 * - new task definitions: `POST /metadata/taskdefs` with a list (changed ones go through
 *   `PUT /metadata/taskdefs` one by one, which keeps their createTime; that PUT answers 404
 *   for an unknown name, so it is never used to create);
 * - new and overwritten workflows: `PUT /metadata/workflow` with a list (create-or-update; the
 *   server checks the whole list before storing any of it, so a refused batch stored nothing);
 * - bumped workflows: `POST /metadata/workflow`, which refuses a version that exists (409 on
 *   3.31.2 and later, 500 "already exists" before) so two concurrent bumps cannot collide;
 * - schedules: `POST /scheduler/schedules` (create-or-update), one by one.
 * The first refused request stops the run: nothing that depends on it is applied.
 */
import { ConductorError, type Conductor } from '../runtime/conductor.js';
import { type JsonObject, isObject } from './json.js';
import type { SourceLocator } from './locate.js';
import { sameWorkflow } from './normalize.js';
import { type Plan, type PlanItem, type SchedulePlan, type TaskDefPlan, type WorkflowPlan, planItems } from './plan.js';
import { chunk, mapLimit } from './pool.js';
import { type Failure, type Sent, failuresFromError, isAlreadyExists } from './server-errors.js';

/**
 * Definitions per bulk request: one request for most projects, while keeping bodies to a few
 * megabytes (a compiled workflow is typically 5-20 KB, a task definition under 1 KB).
 */
const WORKFLOW_BATCH = 250;
const TASK_DEF_BATCH = 1000;
/** Parallel single-definition requests; the server serialises metadata writes anyway. */
const PARALLEL = 4;
/** Attempts to find a free version when a concurrent bump took ours. */
const BUMP_ATTEMPTS = 5;

export interface ApplyProgress {
  /** A phase starts: `total` definitions to write. */
  phase(label: string, total: number): void;
  /** `count` more definitions of the current phase were written. */
  advance(count: number): void;
}

export interface AppliedItem {
  readonly kind: 'taskDef' | 'workflow' | 'schedule';
  readonly name: string;
  readonly version?: number;
  readonly action: 'create' | 'update';
}

export interface ApplyResult {
  readonly applied: readonly AppliedItem[];
  readonly failures: readonly Failure[];
  /**
   * Changes not stored although nothing was wrong with them: held back after a refusal, or sent
   * in a batch the server refused as a whole because of another definition.
   */
  readonly skipped: readonly AppliedItem[];
}

const silent: ApplyProgress = { phase: () => {}, advance: () => {} };

interface BulkResponse {
  bulkErrorResults?: Record<string, string>;
  bulkSuccessfulResults?: string[];
}

class Run {
  readonly applied: AppliedItem[] = [];
  readonly failures: Failure[] = [];
  /** Plan items the server stored, and those it refused. */
  readonly stored = new Set<PlanItem>();
  readonly refused = new Set<PlanItem>();

  constructor(
    readonly conductor: Conductor,
    readonly locator: SourceLocator,
    readonly progress: ApplyProgress,
  ) {}

  get failed(): boolean {
    return this.failures.length > 0;
  }

  ok(item: PlanItem, action: 'create' | 'update', version?: number): void {
    this.stored.add(item);
    this.applied.push({ kind: item.kind, name: item.name, ...(version !== undefined && { version }), action });
  }

  /** Records a refused request; a validation answer names the definitions it is about. */
  fail(error: unknown, batch: readonly PlanItem[]): void {
    const failures = failuresFromError(error, batch.map(sent), this.locator);
    this.failures.push(...failures);
    for (const f of failures) {
      const item = batch.find((p) => p.kind === f.kind && p.name === f.name && (p.kind !== 'workflow' || p.version === f.version));
      if (item) this.refused.add(item);
    }
  }
}

function sent(p: PlanItem): Sent {
  return { kind: p.kind, name: p.name, ...(p.kind === 'workflow' && { version: p.version }), json: p.send };
}

async function applyTaskDefs(run: Run, plans: readonly TaskDefPlan[]): Promise<void> {
  const creates = plans.filter((p) => p.action === 'create');
  const updates = plans.filter((p) => p.action === 'update');
  if (creates.length > 0) {
    run.progress.phase('creating task definitions', creates.length);
    for (const batch of chunk(creates, TASK_DEF_BATCH)) {
      try {
        // An upsert on every OSS store, so a retry after a lost answer is harmless.
        await run.conductor.post('/metadata/taskdefs', batch.map((p) => p.send), { retry: true });
      } catch (error) {
        run.fail(error, batch);
        return;
      }
      for (const p of batch) run.ok(p, 'create');
      run.progress.advance(batch.length);
    }
  }
  if (updates.length > 0) {
    run.progress.phase('updating task definitions', updates.length);
    await mapLimit(updates, PARALLEL, async (p) => {
      try {
        await run.conductor.put('/metadata/taskdefs', p.send, { retry: true });
        run.ok(p, 'update');
      } catch (error) {
        if (error instanceof ConductorError && error.status === 404) {
          // Deleted since we read it: create it the way definitions are created.
          try {
            await run.conductor.post('/metadata/taskdefs', [p.send], { retry: true });
            run.ok(p, 'create');
          } catch (createError) {
            run.fail(createError, [p]);
          }
        } else {
          run.fail(error, [p]);
        }
      }
      run.progress.advance(1);
    });
  }
}

/** Bulk create-or-update; a 200 answer may still list definitions the server refused. */
async function putWorkflows(run: Run, plans: readonly WorkflowPlan[]): Promise<void> {
  for (const batch of chunk(plans, WORKFLOW_BATCH)) {
    let response: BulkResponse | undefined;
    try {
      response = await run.conductor.put<BulkResponse>('/metadata/workflow', batch.map((p) => p.send), { retry: true });
    } catch (error) {
      run.fail(error, batch);
      return;
    }
    const refused = isObject(response) && isObject(response.bulkErrorResults) ? response.bulkErrorResults : {};
    for (const p of batch) {
      const reason = refused[p.name];
      if (typeof reason === 'string') run.fail(new Error(reason), [p]);
      else run.ok(p, p.action === 'update' ? 'update' : 'create', p.targetVersion);
    }
    run.progress.advance(batch.length);
    if (run.failed) return;
  }
}

/** Registers a bumped workflow under the next free version, even if another run got there first. */
async function postBumped(run: Run, plan: WorkflowPlan): Promise<void> {
  let version = plan.targetVersion;
  for (let attempt = 1; attempt <= BUMP_ATTEMPTS; attempt++) {
    const send: JsonObject = { ...plan.send, version };
    try {
      await run.conductor.post('/metadata/workflow', send, { retry: false });
      run.ok(plan, 'create', version);
      return;
    } catch (error) {
      if (!isAlreadyExists(error)) {
        run.fail(error, [plan]);
        return;
      }
      // Taken: by this very definition (a lost answer, or a parallel run), or by another one.
      try {
        const path = `/metadata/workflow/${encodeURIComponent(plan.name)}`;
        const existing = await run.conductor.get<JsonObject>(path, { query: { version } });
        if (isObject(existing) && sameWorkflow(existing, send)) {
          run.ok(plan, 'create', version);
          return;
        }
        const latest = await run.conductor.get<JsonObject>(path);
        version = Math.max(version, isObject(latest) && typeof latest.version === 'number' ? latest.version : version) + 1;
      } catch (readError) {
        run.fail(readError, [plan]);
        return;
      }
    }
  }
  run.fail(new Error(`could not find a free version after ${BUMP_ATTEMPTS} attempts (others are registering '${plan.name}' at the same time)`), [plan]);
}

async function applyWorkflows(run: Run, plans: readonly WorkflowPlan[]): Promise<void> {
  const changed = plans.filter((p) => p.action !== 'unchanged');
  if (changed.length === 0) return;
  run.progress.phase('registering workflows', changed.length);
  const layers = [...new Set(changed.map((p) => p.layer))].sort((a, b) => a - b);
  for (const layer of layers) {
    const inLayer = changed.filter((p) => p.layer === layer);
    const bulk = inLayer.filter((p) => p.conflict !== 'bump');
    const bumped = inLayer.filter((p) => p.conflict === 'bump');
    if (bulk.length > 0) await putWorkflows(run, bulk);
    if (run.failed) return;
    await mapLimit(bumped, PARALLEL, async (p) => {
      await postBumped(run, p);
      run.progress.advance(1);
    });
    if (run.failed) return;
  }
}

async function applySchedules(run: Run, plans: readonly SchedulePlan[]): Promise<void> {
  const changed = plans.filter((p) => p.action !== 'unchanged');
  if (changed.length === 0) return;
  run.progress.phase('saving schedules', changed.length);
  await mapLimit(changed, PARALLEL, async (p) => {
    try {
      await run.conductor.post('/scheduler/schedules', p.send, { retry: true });
      run.ok(p, p.action === 'update' ? 'update' : 'create');
    } catch (error) {
      run.fail(error, [p]);
    }
    run.progress.advance(1);
  });
}

export async function applyPlan(conductor: Conductor, plan: Plan, locator: SourceLocator, progress: ApplyProgress = silent): Promise<ApplyResult> {
  const run = new Run(conductor, locator, progress);
  await applyTaskDefs(run, plan.taskDefs);
  if (!run.failed) await applyWorkflows(run, plan.workflows);
  if (!run.failed) await applySchedules(run, plan.schedules);
  const skipped: AppliedItem[] = planItems(plan)
    .filter((p) => p.action !== 'unchanged' && !run.stored.has(p) && !run.refused.has(p))
    .map((p) => ({ kind: p.kind, name: p.name, ...(p.kind === 'workflow' && { version: p.targetVersion }), action: p.action === 'update' ? 'update' : 'create' }));
  return { applied: run.applied, failures: run.failures, skipped };
}
