/**
 * The escape hatch, `wf.task(ref, { type, input, fields })`: any task at all, written back
 * exactly. Its input still gets typed references; every other field (nested tasks included)
 * is kept as JSON. Used for task types without a builder and for tasks a builder cannot write
 * exactly (a legacy DECISION, a FORK_JOIN without its JOIN, a script with `${` in it, …).
 */
import { type Doc, callDoc, quote } from '../doc.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Form } from './types.js';

export function planCustom(task: JsonObject): Form {
  const ref = task.taskReferenceName as string;
  // The reader checked that inputParameters, when present, is an object.
  const input = isObject(task.inputParameters ?? null) ? (task.inputParameters as JsonObject) : {};
  const common = planCommon(task, ['inputParameters'], { defaultRef: ref, defaultName: ref, renamable: true })!;
  const { conductorName, ...rest } = common;
  return {
    builder: 'task',
    blocks: [],
    member(root, path) {
      return root.kind === 'stepOutput' ? { access: '.output', path, type: path.length === 0 ? 'object' : 'any', named: 0 } : undefined;
    },
    render(w) {
      const own: [string, Doc][] = [['type', quote(String(task.type))]];
      if (conductorName !== undefined) own.push(['taskName', quote(conductorName)]);
      if (Object.keys(input).length > 0) own.push(['input', w.record(input)]);
      if (w.outputRead()) own.push(['output', 'z.any()']);
      return callDoc(`${w.scope}.task`, [quote(ref), w.options(own, rest)!]);
    },
  };
}
