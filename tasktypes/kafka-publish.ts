/**
 * KAFKA_PUBLISH: the Conductor server publishes one message to a Kafka topic. Built by
 * `wf.kafkaPublish(name, { bootStrapServers, topic, value, key, headers, … })`, lowered to the
 * single input parameter `kafka_request` the task reads (kafka/…/KafkaPublishTask.java). The
 * step completes once the broker acknowledges the message and has no output.
 *
 * What the server does with the request: `value` is sent as JSON text (a string value arrives
 * quoted); the key is `String.valueOf(key)`, so a message without a key is sent with the literal
 * key "null" (every such message lands on one partition); Integer/Long key serializers parse
 * the key as a number. The producer's request timeout and max block default to the server's
 * `conductor.tasks.kafka-publish.requestTimeout` (100 ms) and `.maxBlock` (500 ms).
 */
import type { StepBase } from '../ir/step.js';
import type { Value } from '../ir/value.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import { checkWholeNumber, literalNumber, literalText } from './value-facts.js';
import type { TaskTypeModule } from './types.js';

export const KEY_SERIALIZERS = {
  string: 'org.apache.kafka.common.serialization.StringSerializer',
  integer: 'org.apache.kafka.common.serialization.IntegerSerializer',
  long: 'org.apache.kafka.common.serialization.LongSerializer',
} as const;
export type KafkaKeySerializer = (typeof KEY_SERIALIZERS)[keyof typeof KEY_SERIALIZERS];

export interface KafkaPublishOptions extends StepOptions {
  /** Brokers to connect to: 'host:port', several separated by commas. */
  bootStrapServers: string | RefBase<string>;
  topic: string | RefBase<string>;
  /** The message; sent as JSON text. */
  value: unknown;
  /** Messages with the same key go to the same partition (and keep their order). */
  key?: string | number | RefBase<string> | RefBase<number>;
  /** How the key is serialized; Integer and Long parse it as a number. Default StringSerializer. */
  keySerializer?: KafkaKeySerializer;
  /** Message headers; each value is sent as its text. */
  headers?: Record<string, In<string | number | boolean>>;
  /** Producer request timeout (server default 100 ms). */
  requestTimeoutMs?: number;
  /** How long sending may block, e.g. fetching metadata (server default 500 ms). */
  maxBlockMs?: number;
}

/** The task's input as Conductor holds it (what a compensation reads as `done.input`). */
export interface KafkaPublishInput {
  readonly kafka_request: {
    readonly bootStrapServers: string;
    readonly topic: string;
    readonly value: unknown;
    readonly key?: string | number;
    readonly keySerializer?: KafkaKeySerializer;
    readonly headers?: Record<string, string | number | boolean>;
    readonly requestTimeoutMs?: number;
    readonly maxBlockMs?: number;
  };
}

export interface KafkaPublishNode extends StepBase {
  readonly kind: 'kafkaPublish';
  readonly name: string;
  /** The fields of `kafka_request`. */
  readonly request: Readonly<Record<string, Value>>;
}

export function kafkaPublish(scope: ScopeLike, name: string, options: KafkaPublishOptions): CompensableStep<KafkaPublishInput, Record<string, never>> {
  const r = begin(scope, name, options);
  const request: Record<string, unknown> = {
    bootStrapServers: options.bootStrapServers,
    topic: options.topic,
    value: options.value,
  };
  if (options.key !== undefined) request.key = options.key;
  if (options.keySerializer !== undefined) request.keySerializer = options.keySerializer;
  if (options.headers !== undefined) request.headers = options.headers;
  if (options.requestTimeoutMs !== undefined) request.requestTimeoutMs = options.requestTimeoutMs;
  if (options.maxBlockMs !== undefined) request.maxBlockMs = options.maxBlockMs;
  const node: KafkaPublishNode = record(r, {
    kind: 'kafkaPublish',
    ref: r.ref,
    loc: r.loc,
    name,
    input: {},
    options: r.options,
    request: r.values(request, 'kafka_request'),
  });
  return makeCompensableStep(node, r.recorder);
}

/** Kafka's own rule for topic names. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const HOST_PORT = /^[^\s:,]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;
const NUMERIC_KEY = /^-?\d+$/;

export const kafkaPublishType: TaskTypeModule<KafkaPublishNode> = {
  kind: 'kafkaPublish',
  conductorTypes: ['KAFKA_PUBLISH'],
  execution: 'system',
  defaultProfile: 'external',
  extraValues: (node) => [{ label: 'kafka_request', value: { kind: 'object', fields: node.request }, placement: { at: 'step' } }],
  check(node, ctx) {
    const what = `kafkaPublish '${node.ref}'`;
    const servers = literalText(node.request.bootStrapServers);
    if (servers !== undefined) {
      const bad = servers.split(',').map((s) => s.trim()).filter((s) => !HOST_PORT.test(s));
      if (servers.trim() === '' || bad.length > 0) {
        ctx.report(node.loc, 'kafka-servers', `${what} has bootStrapServers ${JSON.stringify(servers)}`, "list brokers as 'host:port', separated by commas, e.g. 'kafka-1:9092,kafka-2:9092'");
      }
    }
    const topic = literalText(node.request.topic);
    if (topic !== undefined && (!TOPIC.test(topic) || topic === '.' || topic === '..')) {
      ctx.report(node.loc, 'kafka-topic', `${what} has topic ${JSON.stringify(topic)}, which Kafka does not allow`, 'topic names are 1-249 letters, digits, dots, underscores and hyphens');
    }
    if (node.request.value?.kind === 'literal' && node.request.value.value === null) {
      ctx.report(node.loc, 'kafka-value', `${what} publishes a null value`, 'Conductor fails the task without a value; pass the message');
    }
    const serializer = literalText(node.request.keySerializer);
    const numericKey = serializer === KEY_SERIALIZERS.integer || serializer === KEY_SERIALIZERS.long;
    const key = node.request.key;
    if (numericKey && key === undefined) {
      ctx.report(node.loc, 'kafka-key', `${what} uses a numeric key serializer without a key`, 'Conductor would parse the text "null" as a number and fail; pass key');
    } else if (numericKey) {
      const text = literalText(key) ?? (literalNumber(key) !== undefined ? String(literalNumber(key)) : undefined);
      if (text !== undefined && !NUMERIC_KEY.test(text)) {
        ctx.report(node.loc, 'kafka-key', `${what} has key ${JSON.stringify(text)}, which its numeric key serializer cannot parse`, 'pass a whole number, or use the StringSerializer');
      }
    } else if (key === undefined) {
      ctx.report(node.loc, 'kafka-no-key', `${what} has no key: Conductor sends the literal key "null", so every message goes to the same partition`, 'pass a key (an entity id, say) to spread messages over partitions and keep per-entity order', 'warning');
    }
    checkWholeNumber(node.request.requestTimeoutMs, 1, 2 ** 31 - 1, node.loc, ctx, 'kafka-timeout', `${what} requestTimeoutMs`);
    checkWholeNumber(node.request.maxBlockMs, 0, 2 ** 31 - 1, node.loc, ctx, 'kafka-timeout', `${what} maxBlockMs`);
  },
  lower(node, ctx) {
    return [ctx.task(node, node.name, 'KAFKA_PUBLISH', { inputParameters: { kafka_request: ctx.values(node.request) } })];
  },
};
