/**
 * DO_WHILE → `wf.loop(ref, (b) => { … }, { loopCondition: '…', input: { … } })`: the body as
 * steps, Conductor's condition kept as written (it reads the body's tasks by reference, which
 * only the server can see), and `step.iteration` for `${ref.output.iteration}`.
 */
import { type Doc, callDoc, quote } from '../doc.js';
import { type JsonObject, isObject, isTaskList } from '../json.js';
import { planCommon } from './common.js';
import type { Planner } from './types.js';

export const planLoop: Planner = (task) => {
  if (task.type !== 'DO_WHILE') return undefined;
  const input = task.inputParameters ?? {};
  const body = task.loopOver;
  if (!isObject(input) || typeof task.loopCondition !== 'string' || !isTaskList(body) || body.length === 0) return undefined;
  const condition = task.loopCondition;
  const ref = task.taskReferenceName as string;
  const common = planCommon(task, ['inputParameters', 'loopCondition', 'loopOver'], { defaultRef: ref, defaultName: ref, renamable: true });
  if (!common) return undefined;
  return {
    builder: 'loop',
    blocks: [{ label: 'loop body', mode: 'repeat', tasks: body }],
    member(root, path) {
      if (root.kind === 'stepOutput' && path.length === 1 && path[0] === 'iteration') return { access: '.iteration', path: [], type: 'number', named: 0 };
      return undefined;
    },
    render(w) {
      const own: [string, Doc][] = [['loopCondition', quote(condition)]];
      if (Object.keys(input).length > 0) own.push(['input', w.record(input as JsonObject)]);
      return callDoc(`${w.scope}.loop`, [quote(ref), w.block(0), w.options(own, common)!]);
    },
  };
};
