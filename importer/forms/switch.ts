/**
 * SWITCH → `wf.switch(ref, selector, { case: (b) => { … } }, { default: (b) => { … } })`. The
 * selector is the reference itself when the task uses baton's own `switchCaseValue` form, and
 * `js({ params }, 'expression')` otherwise (with the task's evaluatorType).
 */
import { syntaxError } from '../../tasktypes/script.js';
import { type Doc, callDoc, concat, objectDoc, propertyKey, quote } from '../doc.js';
import { parseString } from '../expressions.js';
import { type JsonObject, isObject, isTaskList } from '../json.js';
import { planCommon } from './common.js';
import type { BlockPlan, Planner } from './types.js';

const EVALUATORS = ['value-param', 'graaljs', 'javascript'];

export const planSwitch: Planner = (task) => {
  if (task.type !== 'SWITCH') return undefined;
  const input = task.inputParameters ?? {};
  const { evaluatorType, expression } = task;
  if (!isObject(input) || typeof expression !== 'string' || !EVALUATORS.includes(evaluatorType as string)) return undefined;
  if (evaluatorType !== 'value-param' && syntaxError(expression)) return undefined;
  const cases = task.decisionCases ?? {};
  if (!isObject(cases) || Object.keys(cases).length === 0) return undefined;
  if (!Object.values(cases).every(isTaskList)) return undefined;
  const fallback = task.defaultCase ?? [];
  if (!isTaskList(fallback)) return undefined;
  const ref = task.taskReferenceName as string;
  const common = planCommon(task, ['inputParameters', 'evaluatorType', 'expression', 'decisionCases', 'defaultCase'], {
    defaultRef: ref,
    defaultName: ref,
    renamable: true,
  });
  if (!common) return undefined;
  const keys = Object.keys(cases);
  const blocks: BlockPlan[] = keys.map((key) => ({ label: `case '${key}'`, mode: 'maybe', tasks: cases[key] as JsonObject[] }));
  blocks.push({ label: 'default', mode: 'maybe', tasks: fallback });
  // baton's own form: the value itself picks the case.
  const switchValue = input.switchCaseValue;
  const byValue =
    evaluatorType === 'value-param' &&
    expression === 'switchCaseValue' &&
    Object.keys(input).length === 1 &&
    typeof switchValue === 'string' &&
    parseString(switchValue).kind !== 'text';
  return {
    builder: 'switch',
    blocks,
    render(w) {
      const selector: Doc = byValue
        ? w.value(switchValue as string)
        : callDoc('js', [w.record(input as JsonObject), quote(expression)]);
      const own: [string, Doc][] = [];
      if (fallback.length > 0) own.push(['default', w.block(keys.length)]);
      if (!byValue && evaluatorType !== 'graaljs') own.push(['evaluatorType', quote(evaluatorType as string)]);
      const caseObject = objectDoc(keys.map((key, i) => concat(`${propertyKey(key)}: `, w.block(i))));
      const args: Doc[] = [quote(ref), selector, caseObject];
      const options = w.options(own, common);
      if (options) args.push(options);
      return callDoc(`${w.scope}.switch`, args);
    },
  };
};
