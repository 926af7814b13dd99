/**
 * INLINE → `wf.inline(ref, { params }, 'script', { output: z.any() })`: the script is kept as
 * text (it was written for the server, with `$` as its input), its parameters become typed
 * values, and `step.output.result` reads what it returned.
 */
import { syntaxError } from '../../tasktypes/script.js';
import { callDoc, quote } from '../doc.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Planner } from './types.js';

export const planInline: Planner = (task) => {
  if (task.type !== 'INLINE') return undefined;
  const input = task.inputParameters;
  if (!isObject(input)) return undefined;
  const { expression, evaluatorType, ...params } = input;
  // baton escapes `${` in the script it writes; a script that has one is kept by the escape hatch.
  if (typeof expression !== 'string' || expression.includes('${') || syntaxError(expression)) return undefined;
  if (evaluatorType !== 'graaljs' && evaluatorType !== 'javascript') return undefined;
  const ref = task.taskReferenceName as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: ref, defaultName: ref, renamable: true });
  if (!common) return undefined;
  return {
    builder: 'inline',
    blocks: [],
    member(root, path) {
      if (root.kind !== 'stepOutput') return undefined;
      if (path.length === 0) return { access: '.output', path, type: 'object', named: 0 };
      return path[0] === 'result' ? { access: '.output', path, type: 'any', named: 1 } : undefined;
    },
    render(w) {
      const own: [string, string][] = [['output', 'z.any()']];
      if (evaluatorType === 'javascript') own.push(['evaluatorType', quote('javascript')]);
      return callDoc(`${w.scope}.inline`, [quote(ref), w.record(params as JsonObject), quote(expression), w.options(own, common)!]);
    },
  };
};
