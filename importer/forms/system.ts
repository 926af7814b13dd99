/**
 * System tasks with builders of their own: HUMAN → `wf.human`, EVENT → `wf.event`,
 * KAFKA_PUBLISH → `wf.kafkaPublish`, START_WORKFLOW → `wf.startWorkflow`, DYNAMIC → `wf.dynamic`.
 * Each declines what its builder would write differently (a setting the builder adds by
 * itself, a literal its checks reject), leaving that task to the escape hatch.
 */
import { sinkProblem } from '../../tasktypes/event.js';
import { KEY_SERIALIZERS } from '../../tasktypes/kafka-publish.js';
import { TASK_NAME_PARAMETER } from '../../tasktypes/dynamic.js';
import { type Doc, callDoc, quote } from '../doc.js';
import { parseString } from '../expressions.js';
import { type Json, type JsonObject, isObject } from '../json.js';
import { type CommonPlan, planCommon } from './common.js';
import type { Form, Planner } from './types.js';

const EVENT_RESERVED = ['sink', 'asyncComplete', 'workflowInstanceId', 'workflowType', 'workflowVersion', 'correlationId', 'taskToDomain', 'event_produced'];

function inputOf(task: JsonObject): JsonObject | undefined {
  const input = task.inputParameters ?? {};
  return isObject(input) ? input : undefined;
}

/** Name is the first argument, the reference an option: the rule of most system builders. */
function byName(task: JsonObject, owned: readonly string[]): CommonPlan | undefined {
  const name = task.name as string;
  return planCommon(task, owned, { defaultRef: name, defaultName: name, renamable: false });
}

const policyHas = (common: CommonPlan, key: string) => common.policy.some(([k]) => k === key);

const anyOutput: Form['member'] = (root, path) =>
  root.kind === 'stepOutput' ? { access: '.output', path, type: path.length === 0 ? 'object' : 'any', named: 0 } : undefined;

function call(w: Parameters<Form['render']>[0], method: string, name: string, own: [string, Doc][], common: CommonPlan): Doc {
  const options = w.options(own, common);
  return callDoc(`${w.scope}.${method}`, options ? [quote(name), options] : [quote(name)]);
}

export const planHuman: Planner = (task) => {
  if (task.type !== 'HUMAN') return undefined;
  const input = inputOf(task);
  const common = input && byName(task, ['inputParameters']);
  if (!input || !common) return undefined;
  // The builder adds a response timeout to a deadline, and rejects a zero deadline.
  const timeout = common.policy.find(([k]) => k === 'timeoutSeconds');
  if (timeout && (timeout[1] === 0 || !policyHas(common, 'responseTimeoutSeconds'))) return undefined;
  return {
    builder: 'human',
    blocks: [],
    member: anyOutput,
    render(w) {
      const own: [string, Doc][] = [];
      if (Object.keys(input).length > 0) own.push(['input', w.record(input)]);
      if (w.outputRead()) own.push(['output', 'z.any()']);
      return call(w, 'human', task.name as string, own, common);
    },
  };
};

export const planEvent: Planner = (task) => {
  if (task.type !== 'EVENT') return undefined;
  const input = inputOf(task);
  const sink = task.sink;
  if (!input || typeof sink !== 'string' || EVENT_RESERVED.some((k) => k in input)) return undefined;
  if (parseString(sink).kind === 'text' && sinkProblem(sink)?.severity === 'error') return undefined;
  const common = byName(task, ['inputParameters', 'sink']);
  // An asyncComplete event gets no deadline from the builder unless it has one.
  if (!common || (common.asyncComplete && !policyHas(common, 'timeoutSeconds'))) return undefined;
  return {
    builder: 'event',
    blocks: [],
    render(w) {
      const own: [string, Doc][] = [['sink', w.value(sink, 'string')]];
      if (Object.keys(input).length > 0) own.push(['input', w.record(input)]);
      return call(w, 'event', task.name as string, own, common);
    },
  };
};

const KAFKA_FIELDS = new Set(['bootStrapServers', 'topic', 'value', 'key', 'keySerializer', 'headers', 'requestTimeoutMs', 'maxBlockMs']);

export const planKafkaPublish: Planner = (task) => {
  if (task.type !== 'KAFKA_PUBLISH') return undefined;
  const input = inputOf(task);
  if (!input || Object.keys(input).length !== 1 || !isObject(input.kafka_request ?? null)) return undefined;
  const request = input.kafka_request as JsonObject;
  if (!Object.keys(request).every((k) => KAFKA_FIELDS.has(k)) || request.value === undefined) return undefined;
  if (typeof request.bootStrapServers !== 'string' || typeof request.topic !== 'string') return undefined;
  if (request.key !== undefined && typeof request.key !== 'string' && typeof request.key !== 'number') return undefined;
  if (request.keySerializer !== undefined && !Object.values(KEY_SERIALIZERS).includes(request.keySerializer as never)) return undefined;
  const headers = request.headers;
  if (headers !== undefined && !(isObject(headers) && Object.values(headers).every((h) => ['string', 'number', 'boolean'].includes(typeof h)))) return undefined;
  for (const key of ['requestTimeoutMs', 'maxBlockMs']) if (request[key] !== undefined && !Number.isInteger(request[key])) return undefined;
  const common = byName(task, ['inputParameters']);
  if (!common) return undefined;
  return {
    builder: 'kafkaPublish',
    blocks: [],
    render(w) {
      const own: [string, Doc][] = [];
      for (const [key, value] of Object.entries(request)) {
        const text = key === 'bootStrapServers' || key === 'topic' || (key === 'key' && typeof value === 'string');
        if (key === 'keySerializer') own.push([key, quote(value as string)]);
        else if (key === 'headers') own.push([key, w.record(value as JsonObject, 'string')]);
        else own.push([key, w.value(value, text ? 'string' : 'any')]);
      }
      return call(w, 'kafkaPublish', task.name as string, own, common);
    },
  };
};

const START_FIELDS = new Set(['name', 'version', 'input', 'correlationId', 'priority', 'taskToDomain']);

export const planStartWorkflow: Planner = (task, ctx) => {
  if (task.type !== 'START_WORKFLOW') return undefined;
  const input = inputOf(task);
  if (!input || Object.keys(input).length !== 1 || !isObject(input.startWorkflow ?? null)) return undefined;
  const request = input.startWorkflow as JsonObject;
  if (!Object.keys(request).every((k) => START_FIELDS.has(k)) || typeof request.name !== 'string') return undefined;
  // The builder always writes a version; without one the server starts the latest.
  if (!Number.isInteger(request.version) || (request.input !== undefined && !isObject(request.input))) return undefined;
  if (request.correlationId !== undefined && typeof request.correlationId !== 'string') return undefined;
  if (request.priority !== undefined && !(Number.isInteger(request.priority) && (request.priority as number) >= 0 && (request.priority as number) <= 99)) return undefined;
  const domains = request.taskToDomain;
  if (domains !== undefined && !(isObject(domains) && Object.values(domains).every((d) => typeof d === 'string'))) return undefined;
  const ref = task.taskReferenceName as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: `start_${request.name}`, defaultName: ref, renamable: true });
  if (!common) return undefined;
  // The builder names the task after its reference, so `name` differs only through conductorName.
  const target = ctx.batch.useChild(request.name, request.version as number, undefined);
  if (!target) return undefined;
  return {
    builder: 'startWorkflow',
    blocks: [],
    member(root, path) {
      return root.kind === 'stepOutput' && path.length === 1 && path[0] === 'workflowId' ? { access: '.output', path, type: 'string', named: 1 } : undefined;
    },
    render(w) {
      const own: [string, Doc][] = [];
      if (request.version !== target.version) own.push(['version', String(request.version)]);
      if (request.correlationId !== undefined) own.push(['correlationId', w.value(request.correlationId, 'string')]);
      if (request.priority !== undefined) own.push(['priority', String(request.priority)]);
      if (domains !== undefined) own.push(['taskToDomain', w.json(domains)]);
      const args: Doc[] = [target.varName, w.record((request.input ?? {}) as JsonObject)];
      const options = w.options(own, common);
      if (options) args.push(options);
      return callDoc(`${w.scope}.startWorkflow`, args);
    },
  };
};

export const planDynamic: Planner = (task) => {
  if (task.type !== 'DYNAMIC' || task.dynamicTaskNameParam !== TASK_NAME_PARAMETER) return undefined;
  const input = inputOf(task);
  if (!input || typeof input[TASK_NAME_PARAMETER] !== 'string') return undefined;
  const { [TASK_NAME_PARAMETER]: taskName, ...rest } = input;
  // The builder rejects a task name known to be empty.
  if (parseString(taskName as string).kind === 'text' && (taskName as string).trim() === '') return undefined;
  const common = byName(task, ['inputParameters', 'dynamicTaskNameParam']);
  if (!common) return undefined;
  return {
    builder: 'dynamic',
    blocks: [],
    member: anyOutput,
    render(w) {
      const own: [string, Doc][] = [['taskName', w.value(taskName as Json, 'string')]];
      if (Object.keys(rest).length > 0) own.push(['input', w.record(rest as JsonObject)]);
      if (w.outputRead()) own.push(['output', 'z.any()']);
      return call(w, 'dynamic', task.name as string, own, common);
    },
  };
};
