/**
 * SUB_WORKFLOW → `wf.subWorkflow(paymentFlowWorkflow, { … })`: by reference to the imported
 * workflow (or one declared external), typed by its schemas; an inline definition becomes a
 * workflow of its own in the same module, called with `{ inline: true }`.
 */
import { type Doc, callDoc, quote } from '../doc.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Planner } from './types.js';

const PARAM_KEYS = new Set(['name', 'version', 'taskToDomain', 'workflowDefinition']);

export const planSubWorkflow: Planner = (task, ctx) => {
  if (task.type !== 'SUB_WORKFLOW') return undefined;
  const input = task.inputParameters ?? {};
  const param = task.subWorkflowParam;
  if (!isObject(input) || !isObject(param ?? null)) return undefined;
  const p = param as JsonObject;
  if (!Object.keys(p).every((key) => PARAM_KEYS.has(key)) || typeof p.name !== 'string') return undefined;
  if (p.version !== undefined && !Number.isInteger(p.version)) return undefined;
  const domains = p.taskToDomain;
  if (domains !== undefined && !(isObject(domains) && Object.values(domains).every((d) => typeof d === 'string'))) return undefined;
  const inline = p.workflowDefinition;
  if (inline !== undefined && !isObject(inline)) return undefined;
  if (inline !== undefined && (inline.name !== p.name || (inline.version ?? 1) !== p.version)) return undefined;
  const common = planCommon(task, ['inputParameters', 'subWorkflowParam'], { defaultRef: p.name, defaultName: p.name, renamable: true });
  if (!common) return undefined;
  const child = ctx.batch.useChild(p.name, p.version as number | undefined, inline as JsonObject | undefined);
  if (!child) return undefined;
  return {
    builder: 'subWorkflow',
    blocks: [],
    member(root, path) {
      if (root.kind !== 'stepOutput') return undefined;
      const key = path[0];
      if (path.length === 0) return { access: '.output', path, type: 'object', named: 0 };
      if (typeof key !== 'string') return undefined;
      return { access: '.output', path, type: 'any', named: child.declaredOutput ? 1 : 0, used: () => child.readOutput(key) };
    },
    render(w) {
      const own: [string, Doc][] = [];
      if (child.inline) own.push(['inline', 'true']);
      else if (child.latest) own.push(['version', quote('latest')]);
      else if (p.version !== child.version) own.push(['version', String(p.version)]);
      if (domains !== undefined) own.push(['taskToDomain', w.json(domains)]);
      const args: Doc[] = [child.varName, w.record(input as JsonObject)];
      const options = w.options(own, common);
      if (options) args.push(options);
      return callDoc(`${w.scope}.subWorkflow`, args);
    },
  };
};
