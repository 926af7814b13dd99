/**
 * Validation: Conductor's registration rules and the mistakes it only finds at run time, for
 * one workflow (names, references, each task type's own rules, policies, examples, schedules)
 * and across the project (duplicate names, sub-workflow cycles, conflicting task declarations).
 */
import type { SourceLoc } from '../../ir/source.js';
import type { StepBase, UndoWorkflowIR } from '../../ir/step.js';
import type { TaskDeclIR } from '../../ir/task-decl.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { blocksOf, executionOf, moduleOf, walkSteps } from '../../tasktypes/registry.js';
import { checkLiteralInput } from '../../tasktypes/check-input.js';
import { secretInValues } from '../../tasktypes/embedded-secrets.js';
import type { CheckContext, Severity } from '../../tasktypes/types.js';
import { cronProblem } from '../cron.js';
import type { PolicyTable } from '../policy.js';
import { stepPolicy } from './lower.js';
import { checkReferences } from './references.js';
import type { SubWorkflowNode } from '../../tasktypes/sub-workflow.js';

/** Conductor's own rule for workflow and task names. */
export const CONDUCTOR_NAME = /^[A-Za-z0-9_<>{}#\s-]+$/;
/** What a task reference may contain so that `${ref.output…}` parses. */
export const REFERENCE_NAME = /^[A-Za-z0-9_-]+$/;

export type Reporter = (loc: SourceLoc, code: string, message: string, hint?: string, severity?: Severity) => void;

export interface ProjectView {
  findWorkflow(name: string, version?: number): WorkflowIR | undefined;
  knowsWorkflow(name: string): boolean;
}

export function validateWorkflow(workflow: WorkflowIR, project: ProjectView, policy: PolicyTable, report: Reporter): void {
  const ctx: CheckContext = {
    workflow,
    report,
    findWorkflow: (name, version) => project.findWorkflow(name, version),
    knowsWorkflow: (name) => project.knowsWorkflow(name),
    policy: (node) => stepPolicy(policy, workflow, node).policy,
  };
  if (!CONDUCTOR_NAME.test(workflow.name)) {
    report(workflow.loc, 'invalid-name', `workflow name '${workflow.name}' is not allowed by Conductor`, 'use letters, digits, _ and -');
  }
  if (!Number.isInteger(workflow.version) || workflow.version < 1) {
    report(workflow.loc, 'invalid-version', `workflow '${workflow.name}' has version ${workflow.version}`, 'versions are whole numbers from 1');
  }
  if (workflow.steps.length === 0) {
    report(workflow.loc, 'no-steps', `workflow '${workflow.name}' has no steps`, 'Conductor rejects a workflow without tasks');
  }
  if (workflow.timeoutSeconds !== undefined && (!Number.isInteger(workflow.timeoutSeconds) || workflow.timeoutSeconds < 0)) {
    report(workflow.loc, 'invalid-timeout', `workflow timeoutSeconds ${workflow.timeoutSeconds} must be a whole number ≥ 0`);
  }
  if (workflow.rateLimit && (!Number.isInteger(workflow.rateLimit.concurrentExecLimit) || workflow.rateLimit.concurrentExecLimit < 1)) {
    report(workflow.loc, 'invalid-rate-limit', `rateLimit.concurrentExecLimit must be a whole number ≥ 1`);
  }
  if (workflow.failureWorkflow && !project.knowsWorkflow(workflow.failureWorkflow.name)) {
    report(workflow.loc, 'failure-workflow-missing', `failure workflow '${workflow.failureWorkflow.name}' is not built by this project`, 'export it from a workflow file or declare it with externalWorkflow()');
  }

  const seen = new Map<string, StepBase>();
  walkSteps(workflow.steps, (step, parents) => {
    const first = seen.get(step.ref);
    if (first) {
      report(step.loc, 'duplicate-ref', `step reference '${step.ref}' is used twice in workflow '${workflow.name}'`, `the other is at line ${first.loc.line}; give one a different ref`);
    } else {
      seen.set(step.ref, step);
    }
    if (!REFERENCE_NAME.test(step.ref)) {
      report(step.loc, 'invalid-ref', `step reference '${step.ref}' has characters that break Conductor expressions`, 'use letters, digits, _ and -');
    }
    moduleOf(step).check?.(step, ctx);
    const execution = executionOf(step);
    if (execution !== 'control') {
      for (const conflict of stepPolicy(policy, workflow, step).conflicts) {
        report(step.loc, 'policy-conflict', `step '${step.ref}': ${conflict}`, 'responseTimeout ≤ timeout ≤ totalTimeout must hold');
      }
    }
    if (step.options.profile !== undefined && policy.profiles[step.options.profile] === undefined) {
      report(step.loc, 'unknown-profile', `step '${step.ref}' asks for profile '${step.options.profile}'`, `known profiles: ${Object.keys(policy.profiles).join(', ')}`);
    }
    const task = (step as { task?: TaskDeclIR }).task;
    if (task?.profile !== undefined && policy.profiles[task.profile] === undefined) {
      report(step.loc, 'unknown-profile', `task '${task.name}' asks for profile '${task.profile}'`, `known profiles: ${Object.keys(policy.profiles).join(', ')}`);
    }
    if (step.compensation) {
      const { undo } = step.compensation;
      checkLiteralInput(undo.input, step.compensation.input, step.compensation.loc, ctx, `compensation of '${step.ref}'`);
      if (undo.kind === 'undoWorkflow') checkUndoWorkflow(step, undo, ctx);
      // A for-each runs its body as renamed tasks or child workflows, which the generated
      // failure workflow cannot find in the failed run: the undo would silently never run.
      const forEach = parents.find((p) => p.kind === 'forEach');
      if (forEach) {
        report(
          step.compensation.loc,
          'compensation-in-for-each',
          `step '${step.ref}' declares a compensation inside for-each '${forEach.ref}', which the generated failure workflow cannot see`,
          'walk the list with loopOver (one element per pass), whose steps are compensated, or compensate in a workflow of its own',
        );
      }
    }
    if (step.options.startDelaySeconds !== undefined && (!Number.isInteger(step.options.startDelaySeconds) || step.options.startDelaySeconds < 0)) {
      report(step.loc, 'invalid-start-delay', `step '${step.ref}' has startDelaySeconds ${step.options.startDelaySeconds}`, 'a whole number of seconds ≥ 0');
    }
  });
  if (workflow.profile !== undefined && policy.profiles[workflow.profile] === undefined) {
    report(workflow.loc, 'unknown-profile', `workflow '${workflow.name}' asks for profile '${workflow.profile}'`, `known profiles: ${Object.keys(policy.profiles).join(', ')}`);
  }

  checkOutlastsTimeout(workflow, policy, report);
  const outputSecret = secretInValues(workflow.outputMapping);
  if (outputSecret !== undefined) {
    report(
      workflow.loc,
      'secret-in-output',
      `the output of workflow '${workflow.name}' reads secret '${outputSecret}', which Conductor does not put into a workflow's output: it would hold the placeholder text`,
      'leave secrets out of the output; pass them to the steps that use them',
      // An imported definition already does this: say so, but build it as it was.
      workflow.preserveSettings ? 'warning' : 'error',
    );
  }
  checkReferences(workflow, report);
  checkLiteralInput(workflow.output, workflow.outputMapping, workflow.loc, ctx, `workflow '${workflow.name}'`, 'output');

  const exampleNames = new Set<string>();
  for (const example of workflow.examples) {
    if (exampleNames.has(example.name)) report(example.loc, 'duplicate-example', `example '${example.name}' is defined twice`);
    exampleNames.add(example.name);
    const parsed = workflow.input.safeParse(example.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      report(example.loc, 'example-invalid', `example '${example.name}' does not match the input schema: ${issue.path.join('.') || '(input)'}: ${issue.message}`);
    }
  }
  const scheduleNames = new Set<string>();
  for (const schedule of workflow.schedules) {
    if (scheduleNames.has(schedule.name)) report(schedule.loc, 'duplicate-schedule', `schedule '${schedule.name}' is defined twice`);
    scheduleNames.add(schedule.name);
    const problem = cronProblem(schedule.cron);
    if (problem) report(schedule.loc, 'invalid-cron', `schedule '${schedule.name}' cron "${schedule.cron}" ${problem}`);
    const parsed = workflow.input.safeParse(schedule.input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      report(schedule.loc, 'schedule-input-invalid', `schedule '${schedule.name}' input does not match the workflow input: ${issue.path.join('.') || '(input)'}: ${issue.message}`);
    }
    if (!isValidZone(schedule.zoneId)) {
      report(schedule.loc, 'invalid-zone', `schedule '${schedule.name}' has time zone '${schedule.zoneId}'`, 'use an IANA zone such as UTC or Europe/Paris');
    }
  }
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Seconds these steps take at the least: fixed waits and start delays on every path. Parallel
 * branches count their longest; a switch its shortest branch (its default included); loop and
 * for-each bodies nothing, since they may not run.
 */
function minimumSeconds(steps: readonly StepBase[]): number {
  let total = 0;
  for (const step of steps) {
    total += (step.options.startDelaySeconds ?? 0) + (moduleOf(step).minimumSeconds?.(step) ?? 0);
    const blocks = blocksOf(step);
    const always = blocks.filter((b) => b.mode === 'always').map((b) => minimumSeconds(b.steps));
    const maybe = blocks.filter((b) => b.mode === 'maybe').map((b) => minimumSeconds(b.steps));
    if (always.length > 0) total += Math.max(...always);
    if (maybe.length > 0) total += Math.min(...maybe);
  }
  return total;
}

/** A run that waits longer than its own timeout always times out (the default is an hour). */
function checkOutlastsTimeout(workflow: WorkflowIR, policy: PolicyTable, report: Reporter): void {
  const timeout = workflow.timeoutSeconds ?? policy.workflow.timeoutSeconds;
  const least = minimumSeconds(workflow.steps);
  if (timeout <= 0 || least < timeout) return;
  const timesOut = (workflow.timeoutPolicy ?? policy.workflow.timeoutPolicy) === 'TIME_OUT_WF';
  report(
    workflow.loc,
    'workflow-timeout',
    `workflow '${workflow.name}' waits at least ${least} s (fixed waits and start delays) but its timeout is ${timeout} s: every run ${timesOut ? 'times out' : 'raises a timeout alert'}`,
    'raise timeoutSeconds (0 for no limit), or shorten the waits',
    timesOut && !workflow.preserveSettings ? 'error' : 'warning',
  );
}

/** An undo workflow must be one the server will have, and not the workflow it undoes. */
function checkUndoWorkflow(step: StepBase, undo: UndoWorkflowIR, ctx: CheckContext): void {
  const loc = step.compensation!.loc;
  if (undo.name === ctx.workflow.name) {
    ctx.report(loc, 'undo-workflow-self', `step '${step.ref}' is undone by '${undo.name}', the workflow it belongs to`, 'undo with a task or a workflow of its own');
  } else if (!ctx.knowsWorkflow(undo.name)) {
    ctx.report(loc, 'undo-workflow-missing', `undo workflow '${undo.name}' of step '${step.ref}' is not built by this project`, 'export it from a workflow file, or declare it with externalWorkflow()');
  } else if (!undo.external && !ctx.findWorkflow(undo.name, undo.version)) {
    ctx.report(loc, 'undo-workflow-version', `undo workflow '${undo.name}' of step '${step.ref}' has no version ${undo.version} in this project`, 'use a version that a workflow file defines');
  }
}

/** Workflows that call each other in a circle never finish: report each cycle once. */
export function checkSubWorkflowCycles(workflows: readonly WorkflowIR[], report: (workflow: WorkflowIR, loc: SourceLoc, message: string) => void): void {
  const byName = new Map(workflows.map((w) => [w.name, w]));
  const calls = new Map<string, { target: string; loc: SourceLoc }[]>();
  for (const w of workflows) {
    const list: { target: string; loc: SourceLoc }[] = [];
    walkSteps(w.steps, (step) => {
      if (step.kind === 'subWorkflow') {
        const node = step as SubWorkflowNode;
        if (!node.inlineDefinition) list.push({ target: node.workflow.name, loc: node.loc });
      }
    });
    calls.set(w.name, list);
  }
  const reported = new Set<string>();
  const visit = (name: string, path: string[]) => {
    for (const call of calls.get(name) ?? []) {
      const at = path.indexOf(call.target);
      if (at >= 0) {
        const cycle = [...path.slice(at), call.target];
        const key = [...cycle].slice(0, -1).sort().join('>');
        if (!reported.has(key)) {
          reported.add(key);
          report(byName.get(name)!, call.loc, `sub-workflows call each other in a circle: ${cycle.join(' → ')}`);
        }
        continue;
      }
      if (byName.has(call.target)) visit(call.target, [...path, call.target]);
    }
  };
  for (const w of workflows) visit(w.name, [w.name]);
}

/** Two declarations of the same task name must agree, or the registered definition is a lie. */
export function sameDeclaration(a: TaskDeclIR, b: TaskDeclIR): boolean {
  return (
    a === b ||
    (JSON.stringify(a.policy) === JSON.stringify(b.policy) &&
      a.profile === b.profile &&
      a.description === b.description &&
      a.ownerEmail === b.ownerEmail)
  );
}
