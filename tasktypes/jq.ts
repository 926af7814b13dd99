/**
 * JSON_JQ_TRANSFORM: a jq program run by the Conductor server over the step's input. Built by
 * `wf.jq(name, { query, input, output })`; the program sees the whole input object as `.`, so
 * `input: { order: … }` is read as `.order`. The output is `{ result, resultList }`: `result` is
 * the program's first result and `resultList` all of them (json-jq-task/…/JsonJqTransform.java),
 * typed by the optional `output` schema of one result.
 *
 * The task runs inside the decider like INLINE; a failing program fails the step with jq's
 * message (also in `output.error`) and is never retried, since the same input fails again.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { StepOptions } from '../dsl/options.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import { checkReservedInputs } from './value-facts.js';
import type { TaskTypeModule } from './types.js';

/** The input parameter Conductor reads the program from. */
export const QUERY_PARAMETER = 'queryExpression';

export interface JqOptions<O extends z.ZodType> extends StepOptions {
  /** The jq program, e.g. `.items | map(.price) | add`. It reads the step's input as `.`. */
  query: string;
  /** Named values the program reads (`.name`); references and templates are allowed. */
  input: Record<string, unknown>;
  /** Schema of one result of the program (`output.result`; `output.resultList` holds all). */
  output?: O;
}

export interface JqOutput<R> {
  /** The first result of the program (null when it produced none). */
  readonly result: R;
  /** Every result of the program, in order. */
  readonly resultList: R[];
}

export interface JqNode extends StepBase {
  readonly kind: 'jq';
  readonly name: string;
  readonly query: string;
  readonly resultSchema?: z.ZodType;
}

export function jq<O extends z.ZodType = z.ZodUnknown>(scope: ScopeLike, name: string, options: JqOptions<O>): Step<JqOutput<z.output<O>>> {
  const r = begin(scope, name, options);
  const node: JqNode = record(r, {
    kind: 'jq',
    ref: r.ref,
    loc: r.loc,
    name,
    input: r.values(options.input, 'input'),
    options: r.options,
    query: options.query,
    ...(options.output !== undefined && { resultSchema: options.output }),
  });
  return makeStep(node);
}

/**
 * A cheap look at a jq program: brackets and string quotes must balance (string interpolation
 * `"\(…)"` included, comments skipped). Catches the typos that make jq reject the program at
 * run time; it is not a jq parser and accepts much that jq would not.
 */
export function jqSyntaxProblem(query: string): string | undefined {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  // Open brackets, and 'interp' for a `\(` inside a string, which returns to the string.
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (inString) {
      if (c === '\\') {
        if (query[i + 1] === '(') {
          stack.push('interp');
          inString = false;
        }
        i++;
      } else if (c === '"') {
        inString = false;
      }
      continue;
    }
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      inString = true;
    } else if (c in closing) {
      stack.push(c);
    } else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open === 'interp' && c === ')') {
        inString = true;
        continue;
      }
      if (open === undefined || closing[open] !== c) {
        return `'${c}' at position ${i + 1} has no matching opening bracket`;
      }
    }
  }
  if (inString) return 'a string is not closed (missing ")';
  const open = stack.pop();
  if (open === 'interp') return 'a string interpolation \\( is not closed';
  if (open !== undefined) return `'${open}' is never closed`;
  return undefined;
}

export const jqType: TaskTypeModule<JqNode> = {
  kind: 'jq',
  conductorTypes: ['JSON_JQ_TRANSFORM'],
  execution: 'control',
  check(node, ctx) {
    if (node.query.trim() === '') {
      ctx.report(node.loc, 'jq-query', `jq step '${node.ref}' has an empty query`, 'write the jq program, e.g. ".items | length"');
    } else {
      const problem = jqSyntaxProblem(node.query);
      if (problem) ctx.report(node.loc, 'jq-syntax', `jq step '${node.ref}' query does not parse: ${problem}`, 'fix the jq program; jq rejects it when the step runs');
    }
    checkReservedInputs(
      node.input,
      { [QUERY_PARAMETER]: 'Conductor reads the jq program from this input parameter' },
      node.loc,
      ctx,
      'jq-reserved-input',
      `jq step '${node.ref}'`,
    );
  },
  outputSchema: (node) => {
    const one = node.resultSchema ?? z.unknown();
    return z.object({ result: one, resultList: z.array(one) });
  },
  lower(node, ctx) {
    return [
      ctx.task(node, node.name, 'JSON_JQ_TRANSFORM', {
        inputParameters: { ...ctx.values(node.input), [QUERY_PARAMETER]: ctx.value({ kind: 'literal', value: node.query }) },
      }),
    ];
  },
};
