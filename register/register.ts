/**
 * `baton register` as a function: read what the server has, plan, and (unless it is a dry run
 * or the version policy refuses) apply. The CLI and the benchmark both call this.
 */
import type { Conductor } from '../runtime/conductor.js';
import { type ApplyResult, applyPlan } from './apply.js';
import type { DefinitionSet } from './definitions.js';
import { type MissingDependency, missingDependencies } from './dependencies.js';
import { type OnConflict, type Plan, blockedWorkflows, hasChanges, makePlan } from './plan.js';
import { type Reporter, quietReporter } from './progress.js';
import { readServerState } from './server-state.js';

export interface RegisterOptions {
  readonly conductor: Conductor;
  readonly definitions: DefinitionSet;
  /** Default `fail`: see OnConflict. */
  readonly onConflict?: OnConflict;
  /** Plan only. */
  readonly dryRun?: boolean;
  readonly reporter?: Reporter;
  /** Called with the plan before anything is written (to show it first). */
  readonly onPlan?: (plan: Plan, missing: readonly MissingDependency[]) => void;
}

export interface RegisterOutcome {
  readonly plan: Plan;
  /** Sub-workflows called but neither in the project nor on the server (a warning). */
  readonly missing: readonly MissingDependency[];
  /** Absent when nothing was attempted (dry run, refused by the version policy, nothing to do). */
  readonly result?: ApplyResult;
  /**
   * 0: applied, or nothing to do; 1: something failed or the version policy refused;
   * 2: with `dryRun`, changes are pending.
   */
  readonly exitCode: 0 | 1 | 2;
  readonly timingsMs: Readonly<Record<string, number>>;
}

export async function registerDefinitions(options: RegisterOptions): Promise<RegisterOutcome> {
  const reporter = options.reporter ?? quietReporter;
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  reporter.step(`reading the server's definitions (${options.conductor.base})`);
  const state = await readServerState(options.conductor, { schedules: options.definitions.schedules.length > 0 });
  timingsMs.read = performance.now() - t;
  t = performance.now();
  const plan = makePlan(options.definitions, state, options.onConflict ?? 'fail');
  const missing = missingDependencies(options.definitions, state);
  timingsMs.plan = performance.now() - t;
  reporter.finish();
  options.onPlan?.(plan, missing);
  const blocked = blockedWorkflows(plan).length > 0;
  if (options.dryRun) return { plan, missing, exitCode: blocked ? 1 : hasChanges(plan) ? 2 : 0, timingsMs };
  if (blocked) return { plan, missing, exitCode: 1, timingsMs };
  if (!hasChanges(plan)) return { plan, missing, exitCode: 0, timingsMs };
  t = performance.now();
  const result = await applyPlan(options.conductor, plan, options.definitions.locator, reporter);
  reporter.finish();
  timingsMs.apply = performance.now() - t;
  return { plan, missing, result, exitCode: result.failures.length > 0 ? 1 : 0, timingsMs };
}
