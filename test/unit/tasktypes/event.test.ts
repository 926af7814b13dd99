import { describe, expect, it } from 'vitest';
import { sinkProblem } from '../../../tasktypes/event.js';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, externalDef, tasksOf } from './helpers.js';

const input = z.object({ orderId: z.string(), queue: z.string() });

describe('event (EVENT)', () => {
  it('lowers sink as a WorkflowTask field and the message as inputParameters, with retries for the publish', () => {
    const wf = workflow('order_events', { input, output: z.object({ queue: z.string(), order: z.string() }) }, (wf) => {
      const sent = wf.event('order_placed', { sink: 'conductor:orders', input: { orderId: wf.input.orderId } });
      return { queue: sent.output.event_produced, order: sent.output.orderId };
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'order_placed',
        taskReferenceName: 'order_placed',
        type: 'EVENT',
        inputParameters: { orderId: '${workflow.input.orderId}' },
        sink: 'conductor:orders',
        taskDefinition: externalDef('order_placed'),
      },
    ]);
  });

  it('takes the sink from a reference, and waits without a deadline when asyncComplete', () => {
    const wf = workflow('order_events_async', { input, output: z.object({}) }, (wf) => {
      wf.event('handoff', { sink: wf.input.queue, asyncComplete: true });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'handoff',
        taskReferenceName: 'handoff',
        type: 'EVENT',
        inputParameters: {},
        sink: '${workflow.input.queue}',
        asyncComplete: true,
        taskDefinition: externalDef('handoff', { timeoutSeconds: 0, totalTimeoutSeconds: 0 }),
      },
    ]);
  });

  it('reports a sink Conductor cannot read', () => {
    const wf = workflow('event_bad_sink', { input, output: z.object({}) }, (wf) => {
      wf.event('no_type', { sink: 'orders' });
      wf.event('bad_conductor', { sink: 'conductorx:orders' });
      wf.event('no_queue', { sink: 'sqs:' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'event-sink',
        severity: 'error',
        message: "event 'no_type' has sink 'orders' without a queue type",
        hint: "write '<type>:<queue>' with a type such as conductor, sqs, kafka, nats, nats_stream, jsm, amqp_queue, amqp_exchange",
      },
      { code: 'event-sink', severity: 'error', message: "event 'bad_conductor' has sink 'conductorx:orders', which Conductor rejects", hint: "write 'conductor' or 'conductor:<queue>'" },
      { code: 'event-sink', severity: 'error', message: "event 'no_queue' has sink 'sqs:' without a queue name", hint: "write 'sqs:<queue>'" },
    ]);
  });

  it('warns that Conductor prefixes the workflow name to a conductor queue itself', () => {
    const wf = workflow('event_wf_prefix', { input, output: z.object({}) }, (wf) => {
      wf.event('notify', { sink: 'conductor:other_flow:orders' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'event-sink-conductor-queue',
        severity: 'warning',
        message: "event 'notify' has sink 'conductor:other_flow:orders': Conductor prefixes the workflow name itself and publishes to 'conductor:<this workflow>:other_flow:orders'",
        hint: "write 'conductor:<queue>'; an event handler then listens on 'conductor:<workflow>:<queue>'",
      },
    ]);
  });

  it('warns about a queue type no OSS provider serves', () => {
    const wf = workflow('event_unknown_type', { input, output: z.object({}) }, (wf) => {
      wf.event('rabbit', { sink: 'amqp:orders' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'event-sink-type',
        severity: 'warning',
        message: "event 'rabbit' has sink type 'amqp', which no event queue provider of Conductor OSS serves",
        hint: "use 'amqp_queue' or 'amqp_exchange'",
      },
    ]);
  });

  it('reports message fields Conductor overwrites', () => {
    const wf = workflow('event_reserved', { input, output: z.object({}) }, (wf) => {
      wf.event('clash', { sink: 'conductor', input: { correlationId: wf.input.orderId, sink: 'x' } });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'event-reserved-input',
        severity: 'error',
        message: "event 'clash' has an input named 'correlationId'",
        hint: "Conductor overwrites it with the run's correlation id; rename the input",
      },
      { code: 'event-reserved-input', severity: 'error', message: "event 'clash' has an input named 'sink'", hint: 'Conductor overwrites it with the sink; rename the input' },
    ]);
  });
});

describe('sinkProblem', () => {
  it('accepts the sinks Conductor OSS serves', () => {
    for (const ok of ['conductor', 'conductor:orders', 'sqs:orders', 'kafka:orders', 'nats:orders', 'nats_stream:orders', 'jsm:orders', 'amqp_queue:orders', 'amqp_exchange:ex?bindQueueName=q']) {
      expect(sinkProblem(ok), ok).toBeUndefined();
    }
  });

  it('reports an empty sink', () => {
    expect(sinkProblem(' ')?.code).toBe('event-sink');
    expect(sinkProblem('conductor:')?.message).toBe("has sink 'conductor:' without a queue name");
  });
});
