/**
 * Reference checking: every reference must point at something that exists and has surely run
 * where the reference is read. A step in a switch branch may not have run after the switch; a
 * step in a loop body is read through the loop's output; a step of one parallel branch is not
 * readable from another; a later step has not run yet.
 */
import type { ZodType } from 'zod';
import type { SourceLoc } from '../../ir/source.js';
import type { BlockMode, StepBase } from '../../ir/step.js';
import type { PathSegment, RefValue, Value } from '../../ir/value.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { blocksOf, moduleOf, valuesOf } from '../../tasktypes/registry.js';
import type { Placement } from '../../tasktypes/types.js';
import { formatPath } from '../expressions.js';
import { checkPath } from '../schema-info.js';

type Report = (loc: SourceLoc, code: string, message: string, hint?: string, severity?: 'error' | 'warning') => void;

/** One level of a position: which block (by owner and index), and where in it. */
interface Level {
  readonly owner: string | null;
  readonly block: number;
  readonly mode: BlockMode;
  readonly index: number;
}
type Position = readonly Level[];

interface Located {
  readonly step: StepBase;
  readonly position: Position;
}

function locate(steps: readonly StepBase[]): Map<string, Located> {
  const found = new Map<string, Located>();
  const walk = (list: readonly StepBase[], prefix: Position, owner: string | null, block: number, mode: BlockMode) => {
    list.forEach((step, index) => {
      const position: Position = [...prefix, { owner, block, mode, index }];
      if (!found.has(step.ref)) found.set(step.ref, { step, position });
      blocksOf(step).forEach((b, i) => walk(b.steps, position, step.ref, i, b.mode));
    });
  };
  walk(steps, [], null, 0, 'always');
  return found;
}

const WHY: Record<Exclude<BlockMode, 'always'>, { code: string; says: string; hint: string }> = {
  maybe: {
    code: 'ref-maybe-not-run',
    says: 'is inside a branch that may not have run',
    hint: 'return the value from each branch and read it from the switch step’s output',
  },
  repeat: {
    code: 'ref-inside-loop',
    says: 'is inside a loop body',
    hint: 'return the value from the loop body and read it from the loop step’s output',
  },
  isolated: {
    code: 'ref-inside-for-each',
    says: 'runs once per element inside a for-each',
    hint: 'return the value from the for-each body and read it from the for-each step’s output (a list)',
  },
};

type Verdict = { ok: true } | { ok: false; code: string; message: string; hint?: string };

/**
 * Whether the step at `target` has surely completed at `at`. Positions are compared level by
 * level from the root: the first level where they differ decides.
 */
function available(targetRef: string, target: Position, at: Position): Verdict {
  const depth = Math.min(target.length, at.length);
  for (let k = 0; k < depth; k++) {
    const t = target[k]!;
    const a = at[k]!;
    if (t.owner !== a.owner || t.block !== a.block) {
      const kind = t.mode === 'always' ? 'a parallel branch' : 'another branch';
      return { ok: false, code: 'ref-other-branch', message: `'${targetRef}' runs in ${kind}, which may not have finished here`, hint: 'read it after the parallel/switch step, not from a sibling branch' };
    }
    if (t.index === a.index) continue;
    if (t.index > a.index) {
      return { ok: false, code: 'ref-not-yet-run', message: `'${targetRef}' comes later and has not run yet here`, hint: 'move the reading step after it' };
    }
    // The target comes earlier in this block: it ran, provided every block it sits in
    // below this level always completes with its owner.
    for (let j = k + 1; j < target.length; j++) {
      const level = target[j]!;
      if (level.mode !== 'always') {
        const why = WHY[level.mode];
        return { ok: false, code: why.code, message: `'${targetRef}' ${why.says}`, hint: why.hint };
      }
    }
    return { ok: true };
  }
  if (target.length <= at.length) {
    return { ok: false, code: 'ref-not-yet-run', message: `'${targetRef}' has not finished where it is read (it encloses this step)`, hint: 'read its output after it' };
  }
  return { ok: false, code: 'ref-not-yet-run', message: `'${targetRef}' has not run yet here`, hint: 'move the reading step after it' };
}

/** The position at which a placed value is evaluated. */
function evaluationPoint(step: Located, placement: Placement): Position {
  if (placement.at === 'step') return step.position;
  return [...step.position, { owner: step.step.ref, block: placement.block, mode: 'always', index: Number.MAX_SAFE_INTEGER }];
}

function insideOwner(owner: string, at: Position): boolean {
  return at.some((level) => level.owner === owner);
}

export function checkReferences(workflow: WorkflowIR, report: Report): void {
  const located = locate(workflow.steps);
  // A step's output schema is built on request (HTTP wraps its body schema in a response
  // object) and a step is read by many references: build it once per step.
  const outputSchemas = new Map<StepBase, ZodType | undefined>();
  const outputSchemaOf = (step: StepBase): ZodType | undefined => {
    if (!outputSchemas.has(step)) outputSchemas.set(step, moduleOf(step).outputSchema?.(step));
    return outputSchemas.get(step);
  };
  const end: Position = [{ owner: null, block: 0, mode: 'always', index: Number.MAX_SAFE_INTEGER }];

  const checkField = (schema: Parameters<typeof checkPath>[0] | undefined, path: readonly PathSegment[], what: string, loc: SourceLoc) => {
    if (!schema || path.length === 0) return;
    const result = checkPath(schema, path);
    if (result.ok) return;
    const known = result.known.length > 0 ? `known fields: ${result.known.join(', ')}` : undefined;
    report(loc, 'ref-unknown-field', `${what} has no field ${formatPath(path.slice(0, result.at + 1)).replace(/^\./, '')}`, known);
  };

  const checkRef = (ref: RefValue, at: Position, loc: SourceLoc, reader: string) => {
    const t = ref.target;
    switch (t.kind) {
      case 'workflowInput':
        checkField(workflow.input, ref.path, 'the workflow input', loc);
        return;
      case 'variables':
        checkField(workflow.variablesSchema, ref.path, 'the workflow variables', loc);
        return;
      case 'stepOutput':
      case 'stepInput':
      case 'stepMeta': {
        const target = located.get(t.step);
        if (!target) {
          report(loc, 'ref-unknown-step', `${reader} reads step '${t.step}', which is not in workflow '${workflow.name}'`, 'a step handle from another workflow cannot be read here; pass the value as input');
          return;
        }
        const verdict = available(t.step, target.position, at);
        if (!verdict.ok) {
          report(loc, verdict.code, `${reader} reads ${verdict.message}`, verdict.hint);
          return;
        }
        if (t.kind === 'stepOutput') {
          const schema = outputSchemaOf(target.step);
          checkField(schema, ref.path, `the output of '${t.step}'`, loc);
        }
        return;
      }
      case 'alias':
      case 'iteration': {
        const owner = located.get(t.owner);
        if (!owner) {
          report(loc, 'ref-unknown-step', `${reader} reads loop '${t.owner}', which is not in workflow '${workflow.name}'`);
          return;
        }
        if (insideOwner(t.owner, at)) {
          // Read inside its own loop (the `while` condition sees the last pass's result): what
          // is read there is the aliased value itself, evaluated at the end of the body.
          if (t.kind === 'alias') checkValue(t.value, at, loc, reader);
          return;
        }
        const verdict = available(t.owner, owner.position, at);
        if (!verdict.ok) report(loc, verdict.code, `${reader} reads ${verdict.message}`, verdict.hint);
        return;
      }
      case 'item':
      case 'index':
        if (!insideOwner(t.owner, at)) {
          report(loc, 'ref-item-outside', `${reader} reads the current element of '${t.owner}' outside its body`, 'read the elements inside the body; outside, use the step’s output');
        }
        return;
      case 'taskId':
      case 'workflowMeta':
      case 'secret':
        return;
    }
  };

  const checkValue = (value: Value, at: Position, loc: SourceLoc, reader: string) => {
    switch (value.kind) {
      case 'ref':
        checkRef(value, at, loc, reader);
        return;
      case 'template':
        for (const part of value.parts) if (typeof part !== 'string') checkRef(part, at, loc, reader);
        return;
      case 'object':
        for (const field of Object.values(value.fields)) checkValue(field, at, loc, reader);
        return;
      case 'array':
        for (const item of value.items) checkValue(item, at, loc, reader);
        return;
      default:
        return;
    }
  };

  for (const entry of located.values()) {
    for (const placed of valuesOf(entry.step)) {
      checkValue(placed.value, evaluationPoint(entry, placed.placement), entry.step.loc, `step '${entry.step.ref}' (${placed.label})`);
    }
    const compensation = entry.step.compensation;
    if (compensation) {
      for (const value of Object.values(compensation.input)) checkCompensationValue(value, entry, compensation.loc);
    }
  }
  for (const value of Object.values(workflow.outputMapping)) checkValue(value, end, workflow.loc, 'the workflow output');

  function checkCompensationValue(value: Value, step: Located, loc: SourceLoc) {
    // A compensation runs after the failure: it may read its own step and anything that step
    // could read, but nothing the step did not surely see.
    const at: Position = [...step.position.slice(0, -1), { ...step.position[step.position.length - 1]!, index: step.position[step.position.length - 1]!.index + 0.5 }];
    checkValue(value, at, loc, `the compensation of '${step.step.ref}'`);
  }
}
