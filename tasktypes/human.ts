/**
 * HUMAN: a gate that stays IN_PROGRESS until something outside the workflow completes it (the
 * task update API, an event handler's complete_task action, baton's signal tool); what the
 * completer sends becomes the step's output, typed by the `output` schema. Built by
 * `wf.human(name, { input, output, assignee })`.
 *
 * What OSS 3.32 does with it (core/.../tasks/Human.java, mapper/HumanTaskMapper.java): the
 * mapper resolves the input and creates the task IN_PROGRESS; nothing more. There are no
 * assignments, forms or notifications (those are Orkes features); `assignee` is kept in the
 * task's input only so that whoever looks for pending approvals can route them.
 *
 * A human task waits without a deadline unless the step sets `timeoutSeconds`. Then baton
 * embeds a task definition: the server times the task out after that long (and fails the run,
 * unless the step is optional), without retrying by default, and its response timeout is set
 * to the same value so the task is not timed out merely for receiving no update.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import { TASK_POLICY_KEYS } from '../ir/policy.js';
import type { TaskTypeModule } from './types.js';

export interface HumanOptions<O extends z.ZodType> extends StepOptions {
  /** What the person (or system) completing the task is shown: the task's input. */
  input?: Record<string, unknown>;
  /** Schema of what the completer supplies (the task's output). */
  output?: O;
  /** Who should act; informational, kept in the task's input as `assignee`. */
  assignee?: In<string>;
}

export interface HumanNode extends StepBase {
  readonly kind: 'human';
  readonly name: string;
  readonly outputSchema?: z.ZodType;
}

export function human<O extends z.ZodType = z.ZodUnknown>(scope: ScopeLike, name: string, options: HumanOptions<O> = {}): Step<z.output<O>> {
  const r = begin(scope, name, options);
  if (options.assignee !== undefined && options.input !== undefined && 'assignee' in options.input) {
    r.problem('human-assignee', `human step '${r.ref}' sets assignee both as an option and in input`, 'keep one of them');
  }
  const input = { ...options.input, ...(options.assignee !== undefined && { assignee: options.assignee }) };
  const policy = r.options.policy;
  // A deadline must not be cut short by the response timeout: nobody updates a waiting task.
  const stepOptions =
    policy?.timeoutSeconds !== undefined && policy.responseTimeoutSeconds === undefined
      ? { ...r.options, policy: { ...policy, responseTimeoutSeconds: Math.max(1, policy.timeoutSeconds) } }
      : r.options;
  const node: HumanNode = record(r, {
    kind: 'human',
    ref: r.ref,
    loc: r.loc,
    name,
    input: r.values(input, 'input'),
    options: stepOptions,
    ...(options.output !== undefined && { outputSchema: options.output }),
  });
  return makeStep(node);
}

const hasDeadline = (node: HumanNode) => node.options.policy?.timeoutSeconds !== undefined;

export const humanType: TaskTypeModule<HumanNode> = {
  kind: 'human',
  conductorTypes: ['HUMAN'],
  execution: (node) => (hasDeadline(node) ? 'system' : 'control'),
  defaultProfile: 'no-retry',
  check(node, ctx) {
    const policy = node.options.policy ?? {};
    const set = TASK_POLICY_KEYS.filter((k) => policy[k] !== undefined);
    if (!hasDeadline(node) && (set.length > 0 || node.options.profile !== undefined)) {
      const what = set.length > 0 ? set.join(', ') : `profile '${node.options.profile}'`;
      ctx.report(node.loc, 'human-policy-ignored', `human step '${node.ref}' sets ${what} but no timeoutSeconds`, 'a human task only uses retry/timeout settings when it has a deadline; add timeoutSeconds or drop them', 'warning');
    }
    if (policy.timeoutSeconds === 0) {
      ctx.report(node.loc, 'human-timeout', `human step '${node.ref}' has timeoutSeconds 0`, 'leave timeoutSeconds out to wait without a deadline');
    }
  },
  outputSchema: (node) => node.outputSchema ?? z.unknown(),
  lower(node, ctx) {
    return [ctx.task(node, node.name, 'HUMAN', { inputParameters: ctx.values(node.input) })];
  },
};
