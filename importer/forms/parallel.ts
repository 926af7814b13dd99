/**
 * FORK_JOIN followed by its JOIN → `wf.parallel(ref, { branch: (b) => { … } }, { join: { … } })`.
 * The JOIN's reference and `joinOn` are written only where baton would not derive the same.
 */
import { joinRef } from '../../tasktypes/fork.js';
import { type Doc, arrayDoc, callDoc, concat, objectDoc, propertyKey, quote } from '../doc.js';
import { type JsonObject, isObject, isTaskList } from '../json.js';
import { Namer } from '../naming.js';
import { type CommonPlan, planCommon } from './common.js';
import type { BlockPlan, Planner } from './types.js';

/** Control tasks that complete before their work does: baton adds a NOOP after them. */
const COMPLETES_EARLY = new Set(['SWITCH', 'DECISION']);

function isEmptyInput(task: JsonObject): boolean {
  return task.inputParameters === undefined || (isObject(task.inputParameters) && Object.keys(task.inputParameters).length === 0);
}

/** Branch names: from each branch's first task, unique, never integer-like (object key order). */
function branchNames(branches: readonly JsonObject[][]): string[] {
  const namer = new Namer();
  return branches.map((branch, i) => namer.take(String(branch[0]?.taskReferenceName ?? `branch${i + 1}`), '', 'branch'));
}

export const planParallel: Planner = (task, ctx) => {
  if (task.type !== 'FORK_JOIN') return undefined;
  const join = ctx.next;
  if (!join || join.type !== 'JOIN' || !isEmptyInput(task) || !isEmptyInput(join)) return undefined;
  const forkTasks = task.forkTasks;
  if (!Array.isArray(forkTasks) || forkTasks.length === 0 || !forkTasks.every((b) => isTaskList(b) && b.length > 0)) return undefined;
  const branches = forkTasks as JsonObject[][];
  const joinOn = join.joinOn ?? [];
  if (!Array.isArray(joinOn) || !joinOn.every((r) => typeof r === 'string')) return undefined;
  const ref = task.taskReferenceName as string;
  const common = planCommon(task, ['inputParameters', 'forkTasks'], { defaultRef: ref, defaultName: ref, renamable: true });
  const joinReference = join.taskReferenceName as string;
  const joinCommon = planCommon(join, ['inputParameters', 'joinOn'], { defaultRef: joinReference, defaultName: joinReference, renamable: true });
  if (!common || !joinCommon) return undefined;
  // What baton would wait on by itself: the last task of each branch (none may end early).
  const derived = branches.map((b) => b[b.length - 1]!);
  const derivable = derived.every((t) => !COMPLETES_EARLY.has(String(t.type)));
  const sameJoinOn = derivable && derived.length === joinOn.length && derived.every((t, i) => t.taskReferenceName === joinOn[i]);
  const names = branchNames(branches);
  const blocks: BlockPlan[] = branches.map((tasks, i) => ({ label: `branch '${names[i]}'`, mode: 'always', tasks }));
  return {
    builder: 'parallel',
    blocks,
    consumesNext: true,
    branchNames: names,
    render(w) {
      const branchDocs = objectDoc(names.map((name, i) => concat(`${propertyKey(name)}: `, w.block(i))));
      const own: [string, Doc][] = [];
      const joinOwn: [string, Doc][] = [];
      if (!sameJoinOn) joinOwn.push(['joinOn', arrayDoc(joinOn.map((r) => quote(r as string)))]);
      const plainJoin = joinReference === joinRef(ref) && joinOwn.length === 0 && isPlain(joinCommon);
      if (!plainJoin) {
        const joinCommonWithRef: CommonPlan = { ...joinCommon, ref: joinReference };
        own.push(['join', w.options(joinOwn, joinCommonWithRef)!]);
      }
      const args: Doc[] = [quote(ref), branchDocs];
      const options = w.options(own, common);
      if (options) args.push(options);
      return callDoc(`${w.scope}.parallel`, args);
    },
  };
};

/** A JOIN with nothing of its own: baton's generated one is the same. */
function isPlain(common: CommonPlan): boolean {
  return Object.keys(common).every((key) => key === 'ref' || key === 'policy' || key === 'fields') && common.policy.length === 0 && Object.keys(common.fields).length === 0;
}
