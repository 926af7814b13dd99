import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { diagnosticsOf, externalDef, tasksOf } from './helpers.js';

const input = z.object({ orderId: z.string(), brokers: z.string() });

describe('kafkaPublish (KAFKA_PUBLISH)', () => {
  it('lowers every field into kafka_request, with the external profile', () => {
    const wf = workflow('kafka_flow', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish_order', {
        bootStrapServers: wf.input.brokers,
        topic: 'orders.v1',
        key: wf.input.orderId,
        value: { orderId: wf.input.orderId, status: 'PLACED' },
        headers: { source: 'baton' },
        requestTimeoutMs: 2000,
        maxBlockMs: 1000,
      });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      {
        name: 'publish_order',
        taskReferenceName: 'publish_order',
        type: 'KAFKA_PUBLISH',
        inputParameters: {
          kafka_request: {
            bootStrapServers: '${workflow.input.brokers}',
            topic: 'orders.v1',
            value: { orderId: '${workflow.input.orderId}', status: 'PLACED' },
            key: '${workflow.input.orderId}',
            headers: { source: 'baton' },
            requestTimeoutMs: 2000,
            maxBlockMs: 1000,
          },
        },
        taskDefinition: externalDef('publish_order'),
      },
    ]);
  });

  it('passes a numeric key serializer', () => {
    const wf = workflow('kafka_numeric', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish', { bootStrapServers: 'kafka:9092', topic: 't', value: 'v', key: 42, keySerializer: 'org.apache.kafka.common.serialization.LongSerializer' });
      return {};
    });
    expect(tasksOf(wf)[0]!.inputParameters).toEqual({
      kafka_request: { bootStrapServers: 'kafka:9092', topic: 't', value: 'v', key: 42, keySerializer: 'org.apache.kafka.common.serialization.LongSerializer' },
    });
  });

  it('reports brokers without a port and an illegal topic', () => {
    const wf = workflow('kafka_bad', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish', { bootStrapServers: 'kafka-1:9092,kafka-2', topic: 'orders placed', value: 1, key: 'k' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'kafka-servers',
        severity: 'error',
        message: `kafkaPublish 'publish' has bootStrapServers "kafka-1:9092,kafka-2"`,
        hint: "list brokers as 'host:port', separated by commas, e.g. 'kafka-1:9092,kafka-2:9092'",
      },
      {
        code: 'kafka-topic',
        severity: 'error',
        message: `kafkaPublish 'publish' has topic "orders placed", which Kafka does not allow`,
        hint: 'topic names are 1-249 letters, digits, dots, underscores and hyphens',
      },
    ]);
  });

  it('reports a null value', () => {
    const wf = workflow('kafka_null', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish', { bootStrapServers: 'kafka:9092', topic: 't', value: null, key: 'k' });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'kafka-value', severity: 'error', message: "kafkaPublish 'publish' publishes a null value", hint: 'Conductor fails the task without a value; pass the message' },
    ]);
  });

  it('reports a key a numeric serializer cannot parse, and a missing one', () => {
    const wf = workflow('kafka_keys', { input, output: z.object({}) }, (wf) => {
      const serializer = 'org.apache.kafka.common.serialization.IntegerSerializer';
      wf.kafkaPublish('text_key', { bootStrapServers: 'kafka:9092', topic: 't', value: 1, key: 'abc', keySerializer: serializer });
      wf.kafkaPublish('no_key', { bootStrapServers: 'kafka:9092', topic: 't', value: 1, keySerializer: serializer });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'kafka-key',
        severity: 'error',
        message: `kafkaPublish 'text_key' has key "abc", which its numeric key serializer cannot parse`,
        hint: 'pass a whole number, or use the StringSerializer',
      },
      {
        code: 'kafka-key',
        severity: 'error',
        message: "kafkaPublish 'no_key' uses a numeric key serializer without a key",
        hint: 'Conductor would parse the text "null" as a number and fail; pass key',
      },
    ]);
  });

  it('warns that a message without a key is sent with the key "null"', () => {
    const wf = workflow('kafka_no_key', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish', { bootStrapServers: 'kafka:9092', topic: 't', value: 1 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'kafka-no-key',
        severity: 'warning',
        message: `kafkaPublish 'publish' has no key: Conductor sends the literal key "null", so every message goes to the same partition`,
        hint: 'pass a key (an entity id, say) to spread messages over partitions and keep per-entity order',
      },
    ]);
  });

  it('reports timeouts that are not whole milliseconds', () => {
    const wf = workflow('kafka_timeouts', { input, output: z.object({}) }, (wf) => {
      wf.kafkaPublish('publish', { bootStrapServers: 'kafka:9092', topic: 't', value: 1, key: 'k', requestTimeoutMs: 0, maxBlockMs: 1.5 });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'kafka-timeout', severity: 'error', message: "kafkaPublish 'publish' maxBlockMs is 1.5", hint: 'use a whole number from 0 to 2147483647' },
      { code: 'kafka-timeout', severity: 'error', message: "kafkaPublish 'publish' requestTimeoutMs is 0", hint: 'use a whole number from 1 to 2147483647' },
    ]);
  });
});
