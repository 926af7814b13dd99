/**
 * The compensation (saga) pass. For a workflow whose steps declare `.compensate(undo, …)`, it
 * generates the failure workflow: Conductor hands it the whole failed execution; a script finds
 * the compensable steps that completed, newest first, and computes each undo's input from the
 * original step's input and output; a loop then runs those undos one by one (a worker task, or a
 * workflow as a child), with the patient 'compensation' retry profile. The workflow's own failure
 * workflow, if any, runs last.
 */
import type { SourceLoc } from '../../ir/source.js';
import type { StepBase, UndoWorkflowIR } from '../../ir/step.js';
import type { TaskDeclIR } from '../../ir/task-decl.js';
import type { Json, RefValue } from '../../ir/value.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { outputRefOf, walkSteps } from '../../tasktypes/registry.js';
import { escapeText } from '../expressions.js';
import { jsPath } from '../js-source.js';
import type { PolicyOverrides } from '../../ir/policy.js';
import { type PolicyTable, profileOf, resolvePolicy, worstCaseSeconds } from '../policy.js';
import { topLevelKeys } from '../schema-info.js';
import { type ConductorJson, indexSteps, lowerWorkflowValueJs, taskDefJson } from './lower.js';

export const compensationName = (workflow: string) => `${workflow}_compensation`;

export interface CompensableStep {
  readonly step: StepBase;
  readonly undo: TaskDeclIR | UndoWorkflowIR;
}

export function compensableSteps(workflow: WorkflowIR): CompensableStep[] {
  const found: CompensableStep[] = [];
  walkSteps(workflow.steps, (step) => {
    if (step.compensation) found.push({ step, undo: step.compensation.undo });
  });
  return found;
}

export interface CompensationOptions {
  readonly policy: PolicyTable;
  readonly ownerEmail?: string;
  readonly report: (loc: SourceLoc, code: string, message: string, hint?: string) => void;
  /** The project's workflows, for the timeouts of undo workflows. */
  readonly findWorkflow?: (name: string, version?: number) => WorkflowIR | undefined;
}

/** JS (over `t`, the failed run's task, and `failed`, the failed run) for one undo task's input. */
function undoInputJs(workflow: WorkflowIR, entry: CompensableStep, options: CompensationOptions): string {
  const steps = indexSteps(workflow.steps);
  const own = entry.step.ref;
  const out = outputRefOf(entry.step);
  const env = (ref: RefValue): string | undefined => {
    const t = ref.target;
    switch (t.kind) {
      case 'stepInput':
        return t.step === own ? jsPath('t.inputData', ref.path) : jsPath(`latest(${JSON.stringify(t.step)}, 'inputData')`, ref.path);
      case 'stepOutput': {
        if (t.step === own) return jsPath('t.outputData', [...out.prefix, ...ref.path]);
        const other = steps.get(t.step);
        const prefix = other ? outputRefOf(other).prefix : [];
        return jsPath(`latest(${JSON.stringify(t.step)}, 'outputData')`, [...prefix, ...ref.path]);
      }
      case 'workflowInput':
        return jsPath('failed.input', ref.path);
      case 'variables':
        return jsPath('failed.variables', ref.path);
      case 'workflowMeta':
        // Named as in Conductor's Workflow JSON: workflowName, workflowVersion.
        return jsPath(`failed[${JSON.stringify(t.field === 'workflowType' ? 'workflowName' : t.field === 'version' ? 'workflowVersion' : t.field)}]`, ref.path);
      default:
        return undefined;
    }
  };
  const fields = Object.entries(entry.step.compensation!.input).map(
    ([key, value]) => `${JSON.stringify(key)}: ${lowerWorkflowValueJs(workflow, value, env, options)}`,
  );
  return `function (t) { return {${fields.join(', ')}}; }`;
}

/**
 * Conductor (checked on 3.32.3) starts the failure workflow with the failed run in its input as
 * a live Java `WorkflowModel`, not as JSON, and the first evaluation of the plan sees that
 * object: in GraalJS `$.failed.tasks` is undefined (a private field, and getters are not mapped
 * to properties) and `${workflow.input.failedWorkflow.tasks}` resolves to null; only the
 * getters work (`getTasks()` is a java.util.List). Read from the database later (a retried or
 * restarted compensation) the same input is a plain map. This turns the Java object into the
 * JSON shape, so the rest of the plan reads both alike.
 */
const JAVA_RUN_TO_JS =
  'function plainRun(w) { if (w == null) return {}; if (w.tasks !== undefined || typeof w.getTasks !== "function") return w; ' +
  'function s(v) { return v == null ? null : String(v); } var list = w.getTasks(); var tasks = []; ' +
  'for (var i = 0; i < list.size(); i++) { var m = list.get(i); tasks.push({ referenceTaskName: s(m.getReferenceTaskName()), ' +
  'status: s(m.getStatus()), taskId: s(m.getTaskId()), inputData: m.getInputData(), outputData: m.getOutputData() }); } ' +
  'return { tasks: tasks, input: w.getInput(), variables: w.getVariables(), workflowId: s(w.getWorkflowId()), ' +
  'workflowName: s(w.getWorkflowName()), workflowVersion: w.getWorkflowVersion(), correlationId: s(w.getCorrelationId()), ' +
  'parentWorkflowId: s(w.getParentWorkflowId()) }; } ';

/** The 'sub-workflow' profile's timeouts (its retries are the compensation's), for an undo workflow. */
function childRunTimeouts(policy: PolicyTable): PolicyOverrides {
  const profile = profileOf(policy, 'sub-workflow') ?? {};
  const timeouts: { -readonly [K in keyof PolicyOverrides]: PolicyOverrides[K] } = {};
  for (const key of ['timeoutSeconds', 'responseTimeoutSeconds', 'totalTimeoutSeconds'] as const) {
    if (profile[key] !== undefined) timeouts[key] = profile[key];
  }
  return timeouts;
}

/** Seconds one run of an undo workflow may take; undefined when it has no limit. */
function childTimeout(undo: UndoWorkflowIR, options: CompensationOptions): number | undefined {
  const seconds = options.findWorkflow?.(undo.name, undo.version)?.timeoutSeconds ?? options.policy.workflow.timeoutSeconds;
  return seconds === 0 ? undefined : seconds;
}

const PLAN = 'compensation_plan';
const GUARD = 'compensation_needed';
const LOOP = 'compensations';
const NEXT = 'next_compensation';
const UNDO = 'undo';

export function compensationWorkflow(workflow: WorkflowIR, options: CompensationOptions): ConductorJson | undefined {
  const entries = compensableSteps(workflow);
  if (entries.length === 0) return undefined;
  const makers = entries.map((e) => `${JSON.stringify(e.step.ref)}: ${undoInputJs(workflow, e, options)}`).join(', ');
  const plan =
    '(function () { ' +
    JAVA_RUN_TO_JS +
    'var failed = plainRun($.failed); var tasks = failed.tasks || []; ' +
    'function base(ref) { var i = ref.indexOf("__"); return i < 0 ? ref : ref.substring(0, i); } ' +
    'function latest(ref, field) { var found = null; for (var i = 0; i < tasks.length; i++) { if (base(tasks[i].referenceTaskName) === ref) found = tasks[i]; } return found == null ? null : found[field]; } ' +
    `var makers = {${makers}}; var steps = []; ` +
    'for (var i = 0; i < tasks.length; i++) { var t = tasks[i]; var ref = base(t.referenceTaskName); ' +
    'if (!Object.prototype.hasOwnProperty.call(makers, ref)) continue; ' +
    "if (t.status !== 'COMPLETED' && t.status !== 'COMPLETED_WITH_ERRORS') continue; " +
    'steps.push({ step: ref, task: t.referenceTaskName, input: makers[ref](t) }); } ' +
    'steps.reverse(); return { steps: steps, count: steps.length }; })()';

  const cases: Record<string, Json> = {};
  // Seconds the undo may take at worst; undefined once one of them has no limit.
  let budget: number | undefined = 0;
  for (const entry of entries) {
    const { undo } = entry;
    const byWorkflow = undo.kind === 'undoWorkflow';
    const resolved = resolvePolicy(options.policy, [
      profileOf(options.policy, 'compensation'),
      // A child run has its own timeout: the task only retries it when it fails.
      byWorkflow ? childRunTimeouts(options.policy) : undo.policy,
      entry.step.compensation!.policy,
    ]);
    for (const conflict of resolved.conflicts) options.report(entry.step.compensation!.loc, 'policy-conflict', `compensation of '${entry.step.ref}': ${conflict}`);
    if (budget !== undefined) {
      const run = byWorkflow ? childTimeout(undo, options) : 0;
      budget = run === undefined ? undefined : budget + worstCaseSeconds(resolved.policy) + run * (resolved.policy.retryCount + 1);
    }
    const inputParameters: Record<string, Json> = {};
    for (const key of Object.keys(entry.step.compensation!.input)) {
      inputParameters[key] = `\${${NEXT}.output.result.input${/^[A-Za-z_]\w*$/.test(key) ? `.${key}` : `['${key}']`}}`;
    }
    const email = workflow.ownerEmail ?? options.ownerEmail;
    cases[entry.step.ref] = [
      {
        name: undo.name,
        taskReferenceName: `${UNDO}_${entry.step.ref}`,
        type: byWorkflow ? 'SUB_WORKFLOW' : 'SIMPLE',
        inputParameters,
        ...(byWorkflow && { subWorkflowParam: { name: undo.name, version: undo.version } }),
        taskDefinition: taskDefJson(undo.name, resolved.policy, email ? { ownerEmail: email } : {}),
      },
    ];
  }

  const loop: Json = {
    name: LOOP,
    taskReferenceName: LOOP,
    type: 'DO_WHILE',
    inputParameters: { count: `\${${PLAN}.output.result.count}` },
    loopCondition: `$['${LOOP}'].iteration < $.count`,
    loopOver: [
      {
        name: NEXT,
        taskReferenceName: NEXT,
        type: 'INLINE',
        inputParameters: {
          steps: `\${${PLAN}.output.result.steps}`,
          iteration: `\${${LOOP}.output.iteration}`,
          evaluatorType: 'graaljs',
          expression: '$.steps[$.iteration - 1]',
        },
      },
      {
        name: UNDO,
        taskReferenceName: UNDO,
        type: 'SWITCH',
        inputParameters: { step: `\${${NEXT}.output.result.step}` },
        evaluatorType: 'value-param',
        expression: 'step',
        decisionCases: cases,
        defaultCase: [],
      },
    ],
  };
  const tasks: Json[] = [
    {
      name: PLAN,
      taskReferenceName: PLAN,
      type: 'INLINE',
      inputParameters: { failed: '${workflow.input.failedWorkflow}', evaluatorType: 'graaljs', expression: escapeText(plan) },
    },
    {
      name: GUARD,
      taskReferenceName: GUARD,
      type: 'SWITCH',
      inputParameters: { count: `\${${PLAN}.output.result.count}` },
      evaluatorType: 'graaljs',
      expression: "$.count > 0 ? 'run' : 'none'",
      decisionCases: { run: [loop] },
      defaultCase: [],
    },
  ];
  if (workflow.failureWorkflow) {
    const input: Record<string, Json> = {};
    for (const key of topLevelKeys(workflow.input)) input[key] = `\${workflow.input.${key}}`;
    for (const key of ['workflowId', 'reason', 'failureStatus', 'failureTaskId', 'failedWorkflow']) input[key] = `\${workflow.input.${key}}`;
    tasks.push({
      name: workflow.failureWorkflow.name,
      taskReferenceName: 'then_failure_workflow',
      type: 'SUB_WORKFLOW',
      inputParameters: input,
      subWorkflowParam: { name: workflow.failureWorkflow.name, ...(workflow.failureWorkflow.version !== undefined && { version: workflow.failureWorkflow.version }) },
    });
  }
  const email = workflow.ownerEmail ?? options.ownerEmail;
  return {
    name: compensationName(workflow.name),
    description: `Undoes the completed steps of a failed '${workflow.name}' run, newest first.`,
    version: workflow.version,
    schemaVersion: 2,
    tasks,
    inputParameters: ['workflowId', 'reason', 'failureStatus', 'failureTaskId', 'failedWorkflow'],
    outputParameters: {
      workflowId: '${workflow.input.workflowId}',
      reason: '${workflow.input.reason}',
      compensated: `\${${PLAN}.output.result.steps}`,
    },
    restartable: true,
    workflowStatusListenerEnabled: false,
    ...(email && { ownerEmail: email }),
    // Undo must not be cut short: a timeout only raises an alert (0: an undo has no limit).
    timeoutPolicy: 'ALERT_ONLY',
    timeoutSeconds: budget === undefined ? 0 : budget + 3600,
    variables: {},
  };
}

/** Workflows the compensation workflow starts as children: registered before it. */
export function undoWorkflows(workflow: WorkflowIR): string[] {
  return compensableSteps(workflow).flatMap((e) => (e.undo.kind === 'undoWorkflow' ? [e.undo.name] : []));
}
