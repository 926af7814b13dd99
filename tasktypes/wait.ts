/**
 * WAIT: pauses the workflow for a duration, until a moment, or (with neither) until something
 * completes the task from outside (an API call, an event, `baton`'s signal tool). Built by
 * `wf.wait(name, { seconds } | { duration: '2h 30m' } | { until: '2026-12-01 09:00 UTC' } | {})`.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type Step, makeStep } from '../dsl/step.js';
import type { TaskTypeModule } from './types.js';

/** Conductor's duration syntax: days, hours, minutes, seconds in that order, e.g. "1d 2h 30m". */
export const DURATION = /^\s*(?:(\d+)\s*(?:days?|d))?\s*(?:(\d+)\s*(?:hours?|hrs?|h))?\s*(?:(\d+)\s*(?:minutes?|mins?|m))?\s*(?:(\d+)\s*(?:seconds?|secs?|s))?\s*$/i;
/** The date formats Conductor accepts for `until`. */
export const UNTIL = /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?: [A-Za-z][A-Za-z0-9/_+-]*)?)?$/;

export type WaitOptions<O extends z.ZodType> = StepOptions & {
  /** Schema of what the external completion supplies as output (for signal-completed waits). */
  output?: O;
} & (
    | { seconds: number; duration?: never; until?: never }
    | { duration: string | RefBase<string>; seconds?: never; until?: never }
    | { until: string | RefBase<string>; seconds?: never; duration?: never }
    | { seconds?: never; duration?: never; until?: never }
  );

export interface WaitNode extends StepBase {
  readonly kind: 'wait';
  readonly mode: 'duration' | 'until' | 'signal';
  readonly outputSchema?: z.ZodType;
}

export function wait<O extends z.ZodType = z.ZodUnknown>(scope: ScopeLike, name: string, options: WaitOptions<O> = {} as WaitOptions<O>): Step<z.output<O>> {
  const r = begin(scope, name, options);
  const input: Record<string, unknown> = {};
  let mode: WaitNode['mode'] = 'signal';
  if (options.seconds !== undefined) {
    input.duration = `${options.seconds} seconds`;
    mode = 'duration';
  } else if (options.duration !== undefined) {
    input.duration = options.duration;
    mode = 'duration';
  } else if (options.until !== undefined) {
    input.until = options.until;
    mode = 'until';
  }
  const node: WaitNode = record(r, {
    kind: 'wait',
    ref: r.ref,
    loc: r.loc,
    input: r.values(input, 'wait'),
    options: r.options,
    mode,
    ...(options.output !== undefined && { outputSchema: options.output }),
  });
  return makeStep(node);
}

/** Seconds in a duration Conductor can read ("1d 2h 30m"), or undefined. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text.trim() === '') return undefined;
  const [days = 0, hours = 0, minutes = 0, seconds = 0] = m.slice(1).map((part) => Number(part ?? 0));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

export const waitType: TaskTypeModule<WaitNode> = {
  kind: 'wait',
  conductorTypes: ['WAIT'],
  execution: 'control',
  check(node, ctx) {
    const duration = node.input.duration;
    if (duration?.kind === 'literal') {
      const text = String(duration.value);
      if (!DURATION.test(text) || text.trim() === '') {
        ctx.report(node.loc, 'wait-duration', `wait '${node.ref}' has duration ${JSON.stringify(text)}, which Conductor cannot read`, 'write days, hours, minutes, seconds in that order, e.g. "1d 2h", "30m", "45 seconds"');
      }
    }
    const until = node.input.until;
    if (until?.kind === 'literal' && !UNTIL.test(String(until.value))) {
      ctx.report(node.loc, 'wait-until', `wait '${node.ref}' has until ${JSON.stringify(until.value)}, which Conductor cannot read`, 'use "yyyy-MM-dd", "yyyy-MM-dd HH:mm" or "yyyy-MM-dd HH:mm z", e.g. "2026-12-01 09:00 UTC"');
    }
  },
  outputSchema: (node) => node.outputSchema ?? z.unknown(),
  minimumSeconds(node) {
    const duration = node.input.duration;
    return duration?.kind === 'literal' ? (durationSeconds(String(duration.value)) ?? 0) : 0;
  },
  lower(node, ctx) {
    return [ctx.task(node, node.ref, 'WAIT', { inputParameters: ctx.values(node.input) })];
  },
};
