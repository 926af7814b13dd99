/**
 * SIMPLE → `wf.run(chargeCardTask, { … })`: a worker task through its declaration, which the
 * importer writes once per task name in the tasks module.
 */
import { callDoc } from '../doc.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Form, Planner } from './types.js';

export const planWorker: Planner = (task, ctx) => {
  if (task.type !== 'SIMPLE') return undefined;
  const input = task.inputParameters ?? {};
  if (!isObject(input)) return undefined;
  const name = task.name as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: name, defaultName: name, renamable: false });
  if (!common) return undefined;
  const decl = ctx.batch.useDecl(name, Object.keys(input));
  const form: Form = {
    builder: 'run',
    blocks: [],
    member(root, path) {
      if (root.kind === 'stepOutput') {
        const key = path[0];
        if (path.length > 0 && typeof key !== 'string') return undefined;
        return { access: '.output', path, type: path.length === 0 ? 'object' : 'any', named: 1, used: () => { if (typeof key === 'string') decl.readOutput(key); } };
      }
      if (root.kind === 'stepInput') {
        const key = path[0];
        if (typeof key !== 'string' || !decl.inputKeys.has(key)) return undefined;
        return { access: '.input', path, type: 'any', named: 1 };
      }
      return undefined;
    },
    render(w) {
      const args = [w.decl(name), w.record(input as JsonObject)];
      const options = w.options([], common);
      if (options) args.push(options);
      return callDoc(`${w.scope}.run`, args);
    },
  };
  return form;
};
