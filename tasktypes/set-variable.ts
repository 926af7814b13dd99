/**
 * SET_VARIABLE: writes workflow variables, readable later as `wf.variables.<name>`. Built by
 * `wf.setVariable(name, { counter: …, lastSeen: … })`, typed by the workflow's `variables`
 * schema.
 */
import type { StepBase } from '../ir/step.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import { checkLiteralInput } from './check-input.js';
import type { TaskTypeModule } from './types.js';
import { reportSecret, secretInValues } from './embedded-secrets.js';

export interface SetVariableNode extends StepBase {
  readonly kind: 'setVariable';
}

export function setVariable(scope: ScopeLike, name: string, values: object, options?: StepOptions): Step<Record<string, never>> {
  const r = begin(scope, name, options);
  const node: SetVariableNode = record(r, {
    kind: 'setVariable',
    ref: r.ref,
    loc: r.loc,
    input: r.values(values, 'variables'),
    options: r.options,
  });
  return makeStep(node);
}

export const setVariableType: TaskTypeModule<SetVariableNode> = {
  kind: 'setVariable',
  conductorTypes: ['SET_VARIABLE'],
  execution: 'control',
  check(node, ctx) {
    if (Object.keys(node.input).length === 0) {
      ctx.report(node.loc, 'set-variable-empty', `setVariable '${node.ref}' sets nothing`, 'pass at least one variable', 'warning');
    }
    const secret = secretInValues(node.input);
    if (secret !== undefined) {
      reportSecret(ctx, node.loc, 'secret-stored', `setVariable '${node.ref}' sets a variable to secret '${secret}': Conductor stores the variables with the secret's value`, 'pass secret() to the step that uses it instead');
    }
    const schema = ctx.workflow.variablesSchema;
    if (schema) checkLiteralInput(schema.partial(), node.input, node.loc, ctx, `setVariable '${node.ref}'`);
  },
  lower(node, ctx) {
    return [ctx.task(node, node.ref, 'SET_VARIABLE', { inputParameters: ctx.values(node.input) })];
  },
};
