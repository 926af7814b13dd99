/**
 * Small system tasks with a builder of their own: WAIT → `wf.wait`, TERMINATE → `wf.terminate`,
 * SET_VARIABLE → `wf.setVariable`, NOOP → `wf.noop`, JSON_JQ_TRANSFORM → `wf.jq`.
 */
import { jqSyntaxProblem, QUERY_PARAMETER } from '../../tasktypes/jq.js';
import { DURATION, UNTIL } from '../../tasktypes/wait.js';
import { type Doc, callDoc, quote } from '../doc.js';
import { parseString } from '../expressions.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Form, Planner } from './types.js';

function inputOf(task: JsonObject): JsonObject | undefined {
  const input = task.inputParameters ?? {};
  return isObject(input) ? input : undefined;
}

/** Name = reference, renamable: the rule of builders whose first argument names the step. */
function byRef(task: JsonObject, owned: readonly string[]) {
  const ref = task.taskReferenceName as string;
  return planCommon(task, owned, { defaultRef: ref, defaultName: ref, renamable: true });
}

/** A literal the builder checks, or an expression it does not. */
function checkedText(value: unknown, pattern: RegExp): boolean {
  if (typeof value !== 'string') return false;
  return parseString(value).kind !== 'text' || (pattern.test(value) && value.trim() !== '');
}

const anyOutput: Form['member'] = (root, path) =>
  root.kind === 'stepOutput' ? { access: '.output', path, type: path.length === 0 ? 'object' : 'any', named: 0 } : undefined;

export const planWait: Planner = (task) => {
  if (task.type !== 'WAIT') return undefined;
  const input = inputOf(task);
  if (!input) return undefined;
  const keys = Object.keys(input);
  if (keys.length > 1 || (keys.length === 1 && keys[0] !== 'duration' && keys[0] !== 'until')) return undefined;
  const key = keys[0] as 'duration' | 'until' | undefined;
  if (key && !checkedText(input[key], key === 'duration' ? DURATION : UNTIL)) return undefined;
  const common = byRef(task, ['inputParameters']);
  if (!common) return undefined;
  return {
    builder: 'wait',
    blocks: [],
    member: anyOutput,
    render(w) {
      const own: [string, Doc][] = [];
      if (key) own.push([key, w.value(input[key]!, 'string')]);
      if (w.outputRead()) own.push(['output', 'z.any()']);
      const options = w.options(own, common);
      return callDoc(`${w.scope}.wait`, options ? [quote(task.taskReferenceName as string), options] : [quote(task.taskReferenceName as string)]);
    },
  };
};

export const planTerminate: Planner = (task) => {
  if (task.type !== 'TERMINATE' || task.optional === true) return undefined;
  const input = inputOf(task);
  if (!input || !Object.keys(input).every((k) => ['terminationStatus', 'terminationReason', 'workflowOutput'].includes(k))) return undefined;
  const { terminationStatus: status, terminationReason: reason, workflowOutput: output } = input;
  if (status !== 'COMPLETED' && status !== 'FAILED') return undefined;
  if (reason !== undefined && typeof reason !== 'string') return undefined;
  if (output !== undefined && !isObject(output)) return undefined;
  const common = byRef(task, ['inputParameters']);
  if (!common) return undefined;
  return {
    builder: 'terminate',
    blocks: [],
    render(w) {
      const own: [string, Doc][] = [['status', quote(status)]];
      if (reason !== undefined) own.push(['reason', w.value(reason, 'string')]);
      if (output !== undefined) own.push(['output', w.record(output as JsonObject)]);
      return callDoc(`${w.scope}.terminate`, [quote(task.taskReferenceName as string), w.options(own, common)!]);
    },
  };
};

export const planSetVariable: Planner = (task) => {
  if (task.type !== 'SET_VARIABLE') return undefined;
  const input = inputOf(task);
  const common = input && byRef(task, ['inputParameters']);
  if (!input || !common) return undefined;
  return {
    builder: 'setVariable',
    blocks: [],
    render(w) {
      const options = w.options([], common);
      const args: Doc[] = [quote(task.taskReferenceName as string), w.record(input)];
      if (options) args.push(options);
      return callDoc(`${w.scope}.setVariable`, args);
    },
  };
};

export const planNoop: Planner = (task) => {
  if (task.type !== 'NOOP') return undefined;
  const input = inputOf(task);
  if (!input || Object.keys(input).length > 0) return undefined;
  const common = byRef(task, ['inputParameters']);
  if (!common) return undefined;
  return {
    builder: 'noop',
    blocks: [],
    render(w) {
      const options = w.options([], common);
      const ref = quote(task.taskReferenceName as string);
      return callDoc(`${w.scope}.noop`, options ? [ref, options] : [ref]);
    },
  };
};

export const planJq: Planner = (task) => {
  if (task.type !== 'JSON_JQ_TRANSFORM') return undefined;
  const input = inputOf(task);
  if (!input) return undefined;
  const { [QUERY_PARAMETER]: query, ...rest } = input;
  // baton writes the program as literal text (escaping `${`); others keep the escape hatch.
  if (typeof query !== 'string' || query.includes('${') || query.trim() === '' || jqSyntaxProblem(query)) return undefined;
  const name = task.name as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: name, defaultName: name, renamable: false });
  if (!common) return undefined;
  return {
    builder: 'jq',
    blocks: [],
    member(root, path) {
      if (root.kind !== 'stepOutput') return undefined;
      if (path.length === 0) return { access: '.output', path, type: 'object', named: 0 };
      return path[0] === 'result' || path[0] === 'resultList' ? { access: '.output', path, type: 'any', named: 1 } : undefined;
    },
    render(w) {
      const own: [string, Doc][] = [['query', quote(query)], ['input', w.record(rest as JsonObject)]];
      if (w.outputRead()) own.push(['output', 'z.any()']);
      return callDoc(`${w.scope}.jq`, [quote(name), w.options(own, common)!]);
    },
  };
};
