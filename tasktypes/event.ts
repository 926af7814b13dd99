/**
 * EVENT: publishes the step's input as a message to an event queue. Built by
 * `wf.event(name, { sink, input })`. The message is the input plus workflowInstanceId,
 * workflowType, workflowVersion, correlationId and taskToDomain, which is also the step's output
 * together with `event_produced`, the queue it went to (core/.../tasks/Event.java).
 *
 * The sink is `<type>:<queue>`: the type picks an event queue provider (`conductor` is built in;
 * `sqs`, `kafka`, `nats`, `nats_stream`, `jsm`, `amqp_queue`, `amqp_exchange` exist when enabled
 * in the server's configuration, e.g. `conductor.event-queues.sqs.enabled=true`). For the
 * built-in queue, Conductor adds the workflow's name itself: `conductor` publishes to
 * `conductor:<workflow>:<step ref>` and `conductor:<queue>` to `conductor:<workflow>:<queue>`,
 * which is the `event` an event handler listens on.
 *
 * With `asyncComplete: true` the step stays IN_PROGRESS after publishing until something
 * completes it from outside; it then waits without a deadline unless the step sets
 * `timeoutSeconds`.
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { Resolved } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import { checkReservedInputs, literalText } from './value-facts.js';
import type { TaskTypeModule } from './types.js';

/** Event queue types shipped with Conductor OSS 3.32 (EventQueueProvider.getQueueType()). */
export const EVENT_QUEUE_TYPES = ['conductor', 'sqs', 'kafka', 'nats', 'nats_stream', 'jsm', 'amqp_queue', 'amqp_exchange'] as const;

export type EventSink = 'conductor' | `conductor:${string}` | `sqs:${string}` | `kafka:${string}` | `nats:${string}` | `nats_stream:${string}` | `jsm:${string}` | `amqp_queue:${string}` | `amqp_exchange:${string}` | (string & {});

export interface EventOptions<P extends Record<string, unknown> = Record<string, unknown>> extends StepOptions {
  /** Where to publish: 'conductor', 'conductor:<queue>', 'sqs:<queue>', 'kafka:<topic>', … */
  sink: EventSink | RefBase<string>;
  /** The message: named values, references allowed. They are also in the step's output. */
  input?: P;
}

export interface EventOutput {
  /** The queue the message went to, e.g. `conductor:<workflow>:<queue>`. */
  readonly event_produced: string;
  readonly workflowInstanceId: string;
  readonly workflowType: string;
  readonly workflowVersion: number;
  readonly correlationId: string | null;
  readonly sink: string;
  readonly asyncComplete: boolean;
}

export interface EventNode extends StepBase {
  readonly kind: 'event';
  readonly name: string;
  readonly sink: Value;
}

/** The task's input as Conductor holds it: the message plus sink and asyncComplete. */
export type EventInput<P> = Resolved<P> & { readonly sink: string; readonly asyncComplete: boolean };

export function event<const P extends Record<string, unknown> = {}>(
  scope: ScopeLike,
  name: string,
  options: EventOptions<P>,
): CompensableStep<EventInput<P>, EventOutput & Resolved<P>> {
  const r = begin(scope, name, options);
  const policy = r.options.policy;
  // Waiting for an outside completion has no natural deadline: the profile's timeout would cut
  // it short, so an asyncComplete event waits without one unless the author gives one.
  const stepOptions =
    options.asyncComplete && policy?.timeoutSeconds === undefined && options.profile === undefined
      ? { ...r.options, policy: { ...policy, timeoutSeconds: 0 } }
      : r.options;
  const node: EventNode = record(r, {
    kind: 'event',
    ref: r.ref,
    loc: r.loc,
    name,
    input: r.values(options.input ?? {}, 'input'),
    options: stepOptions,
    sink: r.value(options.sink, 'sink'),
  });
  return makeCompensableStep(node, r.recorder);
}

/** What is wrong with a sink known at build time (a diagnostic without the step name), if anything. */
export function sinkProblem(sink: string): { code: string; message: string; hint: string; severity: 'error' | 'warning' } | undefined {
  if (sink.trim() === '') {
    return { code: 'event-sink', message: 'has an empty sink', hint: "use 'conductor', 'conductor:<queue>' or '<type>:<queue>' such as 'sqs:orders'", severity: 'error' };
  }
  if (sink.startsWith('conductor')) {
    if (sink === 'conductor') return undefined;
    if (!sink.startsWith('conductor:')) {
      return { code: 'event-sink', message: `has sink '${sink}', which Conductor rejects`, hint: "write 'conductor' or 'conductor:<queue>'", severity: 'error' };
    }
    const queue = sink.slice('conductor:'.length);
    if (queue === '') return { code: 'event-sink', message: `has sink '${sink}' without a queue name`, hint: "write 'conductor:<queue>', or 'conductor' for a queue named after the step", severity: 'error' };
    if (queue.includes(':')) {
      return {
        code: 'event-sink-conductor-queue',
        message: `has sink '${sink}': Conductor prefixes the workflow name itself and publishes to 'conductor:<this workflow>:${queue.replaceAll('conductor:', '')}'`,
        hint: "write 'conductor:<queue>'; an event handler then listens on 'conductor:<workflow>:<queue>'",
        severity: 'warning',
      };
    }
    return undefined;
  }
  const colon = sink.indexOf(':');
  if (colon < 0) {
    return { code: 'event-sink', message: `has sink '${sink}' without a queue type`, hint: `write '<type>:<queue>' with a type such as ${EVENT_QUEUE_TYPES.join(', ')}`, severity: 'error' };
  }
  const type = sink.slice(0, colon);
  if (sink.slice(colon + 1).trim() === '') {
    return { code: 'event-sink', message: `has sink '${sink}' without a queue name`, hint: `write '${type}:<queue>'`, severity: 'error' };
  }
  if (!(EVENT_QUEUE_TYPES as readonly string[]).includes(type)) {
    const suggestion = type === 'amqp' || type === 'ampq' ? "use 'amqp_queue' or 'amqp_exchange'" : type === 'nats-stream' ? "use 'nats_stream'" : `Conductor OSS knows ${EVENT_QUEUE_TYPES.join(', ')}; another type needs a plugin on the server`;
    return { code: 'event-sink-type', message: `has sink type '${type}', which no event queue provider of Conductor OSS serves`, hint: suggestion, severity: 'warning' };
  }
  return undefined;
}

/** Names Conductor writes into the message over the author's values. */
const RESERVED: Record<string, string> = {
  sink: 'Conductor overwrites it with the sink',
  asyncComplete: 'Conductor overwrites it with the asyncComplete flag',
  workflowInstanceId: 'Conductor overwrites it with the run id',
  workflowType: 'Conductor overwrites it with the workflow name',
  workflowVersion: 'Conductor overwrites it with the workflow version',
  correlationId: "Conductor overwrites it with the run's correlation id",
  taskToDomain: "Conductor overwrites it with the run's task-to-domain mapping",
  event_produced: 'Conductor overwrites it with the queue name',
};

export const eventType: TaskTypeModule<EventNode> = {
  kind: 'event',
  conductorTypes: ['EVENT'],
  execution: 'system',
  defaultProfile: 'external',
  extraValues: (node) => [{ label: 'sink', value: node.sink, placement: { at: 'step' } }],
  check(node, ctx) {
    const sink = literalText(node.sink);
    if (sink !== undefined) {
      const problem = sinkProblem(sink);
      if (problem) ctx.report(node.loc, problem.code, `event '${node.ref}' ${problem.message}`, problem.hint, problem.severity);
    }
    checkReservedInputs(node.input, RESERVED, node.loc, ctx, 'event-reserved-input', `event '${node.ref}'`);
  },
  // The message fields are in the output too, so other names are allowed.
  outputSchema: () =>
    z
      .object({
        event_produced: z.string(),
        workflowInstanceId: z.string(),
        workflowType: z.string(),
        workflowVersion: z.number(),
        correlationId: z.string().nullable(),
        sink: z.string(),
        asyncComplete: z.boolean(),
      })
      .catchall(z.unknown()),
  lower(node, ctx) {
    return [ctx.task(node, node.name, 'EVENT', { inputParameters: ctx.values(node.input), sink: ctx.value(node.sink) })];
  },
};
