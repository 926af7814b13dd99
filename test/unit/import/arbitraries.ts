/**
 * Random Conductor definitions for the property test: batches of workflows of every task type,
 * control flow nested a few levels deep, settings on every level, and expressions of every
 * kind (typed-looking paths, array indexes, odd keys, mixed strings, JSONPath filters, nested
 * and escaped expressions) pointing at tasks before, after and beside them.
 */
import fc from 'fast-check';
import type { Json, JsonObject } from '../../../importer/json.js';

const INPUT_KEYS = ['orderId', 'amount', 'customer', 'items', 'mode', 'note'] as const;
/** Worker task names, shared by the workflows of a batch (one declaration each). */
export const TASK_NAMES = ['load_order', 'charge_card', 'send_mail', 'score_risk', 'reserve_stock'] as const;

const segment = fc.oneof(fc.constantFrom('id', 'name', 'total', 'items', 'a-b', 'odd key', 'x_1', 'then', 'length'), fc.nat(3));
const pathText = (segments: readonly (string | number)[], quoted: boolean): string =>
  segments
    .map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_]\w*$/.test(s) && !quoted ? `.${s}` : `['${s}']`))
    .join('');

/** `@T<n>`: the reference of the n-th task of the workflow, filled in once references exist. */
const expression: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...INPUT_KEYS), fc.array(segment, { maxLength: 2 }), fc.boolean()).map(([k, p, q]) => `\${workflow.input.${k}${pathText(p, q)}}`),
  fc.tuple(fc.nat(40), fc.constantFrom('output', 'output', 'input'), fc.array(segment, { maxLength: 3 })).map(([n, part, p]) => `\${@T${n}.${part}${pathText(p, false)}}`),
  fc.tuple(fc.nat(40), fc.constantFrom('status', 'taskId', 'reasonForIncompletion', 'startTime')).map(([n, f]) => `\${@T${n}.${f}}`),
  fc.tuple(fc.nat(40), fc.constantFrom('.response.body.id', '.response.statusCode', '.response.headers.x[0]', '.result', '.result.total', '.iteration', '.resultList[0]', '.workflowId')).map(
    ([n, p]) => `\${@T${n}.output${p}}`,
  ),
  fc.constantFrom(
    '${workflow.workflowId}',
    '${workflow.correlationId}',
    '${workflow.version}',
    '${workflow.parentWorkflowTaskId}',
    '${CPEWF_TASK_ID}',
    '${workflow.secrets.token}',
    '${workflow.variables.counter}',
    '${workflow.input}',
    '${x.output.items[?(@.a > 1)]}',
    '$${not.an.expression}',
    '${workflow.input.${workflow.input.mode}}',
    '${unclosed',
  ),
);
const text = fc.constantFrom('hello', '', 'a `tick`, a \\ and a $', "it's", 'line\nbreak\r\n', '{braces}', 'ünïcode ✓', 'https://api.example.com');
const stringValue = fc.oneof(
  { weight: 2, arbitrary: expression },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.tuple(text, expression, text).map(([a, e, b]) => a + e + b) },
  { weight: 1, arbitrary: fc.tuple(expression, expression).map(([a, b]) => `${a}/${b}`) },
);
const key = fc.constantFrom('a', 'b', 'orderId', 'odd key', 'x-y', 'default', '1', 'value');

export const value: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    stringValue,
    fc.integer({ min: -5, max: 1000 }),
    fc.constantFrom(0.5, 1e21, -0),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const record = (keys: fc.Arbitrary<string> = key) => fc.dictionary(keys, value, { maxKeys: 3 }) as fc.Arbitrary<JsonObject>;

/** Settings any task may carry (most tasks carry none). */
const settings: fc.Arbitrary<JsonObject> = fc.record(
  {
    description: fc.constantFrom('Does the thing.', 'Two\nlines', ''),
    optional: fc.boolean(),
    startDelay: fc.constantFrom(0, 5),
    asyncComplete: fc.boolean(),
    permissive: fc.boolean(),
    rateLimited: fc.boolean(),
    retryCount: fc.constantFrom(0, 2),
    onStateChange: fc.constant({ onFailed: [{ type: 'alert', payload: { level: 'high' } }] }),
    cacheConfig: fc.record({ key: stringValue, ttlInSecond: fc.constantFrom(60, 600) }),
    taskDefinition: fc.record(
      {
        name: fc.constant('@NAME'),
        retryCount: fc.constantFrom(0, 1, 3),
        retryLogic: fc.constantFrom('FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'),
        timeoutSeconds: fc.constantFrom(0, 10, 60),
        responseTimeoutSeconds: fc.constantFrom(5, 30, 3600),
        timeoutPolicy: fc.constantFrom('RETRY', 'TIME_OUT_WF', 'ALERT_ONLY'),
        inputKeys: fc.constant(['a']),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const common: fc.Arbitrary<JsonObject> = fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: settings });

const task = (type: string, extra: fc.Arbitrary<JsonObject>): fc.Arbitrary<JsonObject> =>
  fc.tuple(extra, common, fc.boolean()).map(([fields, settings, renamed]) => ({ name: renamed ? '@OTHER' : '@REF', taskReferenceName: '@REF', type, ...settings, ...fields }));

const simple = fc.tuple(fc.constantFrom(...TASK_NAMES), record(), common, fc.boolean()).map(([name, input, settings, typed]) => ({
  name,
  taskReferenceName: '@REF',
  ...(typed && { type: 'SIMPLE' }),
  inputParameters: input,
  ...settings,
}));

const leaves: fc.Arbitrary<JsonObject>[] = [
  simple,
  simple,
  task(
    'HTTP',
    fc.record({
      uri: fc.oneof(fc.constantFrom('https://api.example.com/orders', '/relative/path', 'http://x'), expression.map((e) => `https://api.example.com/${e}`), expression),
      method: fc.constantFrom('GET', 'POST', 'BREW'),
      headers: fc.dictionary(fc.constantFrom('X-A', 'Accept-Language'), fc.oneof(stringValue, fc.constant(7)), { maxKeys: 2 }),
      body: value,
      accept: fc.constant('text/plain'),
      readTimeOut: fc.constant(500),
      vipAddress: fc.constant('legacy'),
    }, { requiredKeys: ['uri', 'method'] }).map((request) => ({ inputParameters: { http_request: request } })),
  ),
  task(
    'INLINE',
    fc.tuple(fc.constantFrom('graaljs', 'javascript', 'python'), fc.constantFrom('$.a + 1', '(function () { return $.a; })()', '`hi ${$.a}`', 'broken (', "$.a ? 'x' : 'y'"), record()).map(
      ([evaluatorType, expression, params]) => ({ inputParameters: { ...params, evaluatorType, expression } }),
    ),
  ),
  task('WAIT', fc.constantFrom<JsonObject>({}, { inputParameters: { duration: '10 seconds' } }, { inputParameters: { duration: '1h 5m' } }, { inputParameters: { duration: 'soon' } }, { inputParameters: { until: '2030-01-01 10:00 UTC' } }, { inputParameters: { until: '${workflow.input.note}' } })),
  task(
    'TERMINATE',
    fc.record({ terminationStatus: fc.constantFrom('COMPLETED', 'FAILED', 'DONE'), terminationReason: stringValue, workflowOutput: record() }, { requiredKeys: ['terminationStatus'] }).map((inputParameters) => ({ inputParameters })),
  ),
  task('SET_VARIABLE', record(fc.constantFrom('counter', 'last', 'odd key')).map((inputParameters) => ({ inputParameters }))),
  task('NOOP', fc.constant({})),
  task('JSON_JQ_TRANSFORM', fc.tuple(fc.constantFrom('.a | length', '{ x: .a }', '.[ broken', '"${workflow.input.x}"'), record()).map(([q, input]) => ({ inputParameters: { ...input, queryExpression: q } }))),
  task('HUMAN', record().map((inputParameters) => ({ inputParameters }))),
  task('EVENT', fc.tuple(fc.constantFrom('sqs:orders', 'conductor', 'conductor:done', 'not a sink', '${workflow.input.note}'), record(fc.constantFrom('a', 'b'))).map(([sink, inputParameters]) => ({ sink, inputParameters }))),
  task('DYNAMIC', fc.tuple(stringValue, record()).map(([name, input]) => ({ dynamicTaskNameParam: 'taskToExecute', inputParameters: { ...input, taskToExecute: name } }))),
  task('LAMBDA', record().map((inputParameters) => ({ inputParameters, scriptExpression: 'return 1;' }))),
  task('MY_PLUGIN', fc.tuple(record(), value).map(([inputParameters, option]) => ({ inputParameters, pluginOption: option }))),
  task(
    'START_WORKFLOW',
    fc.tuple(fc.constantFrom('wf_0', 'audit_flow'), fc.constantFrom(1, 2), record()).map(([name, version, input]) => ({ inputParameters: { startWorkflow: { name, version, input } } })),
  ),
  task(
    'SUB_WORKFLOW',
    fc.tuple(fc.constantFrom('wf_0', 'wf_1', 'external_flow'), fc.option(fc.constantFrom(1, 2), { nil: undefined }), record()).map(([name, version, input]) => ({
      inputParameters: input,
      subWorkflowParam: { name, ...(version !== undefined && { version }) },
    })),
  ),
];

/** Fork + join, dynamic fork + join: two tasks that belong together. */
function pairs(depth: number): fc.Arbitrary<JsonObject[]>[] {
  const dynamic = task('FORK_JOIN_DYNAMIC', fc.constant({ dynamicForkTasksParam: 'tasks', dynamicForkTasksInputParamName: 'inputs', inputParameters: { tasks: '${@T1.output.tasks}', inputs: '${@T1.output.inputs}' } })).map(
    (fork) => [fork, { name: 'join', taskReferenceName: '@REF', type: 'JOIN' }],
  );
  if (depth < 0) return [dynamic];
  const fork = fc.tuple(fc.array(taskList(depth), { minLength: 1, maxLength: 3 }), fc.constantFrom('@AUTO', '@FIRST'), common, fc.boolean()).map(([branches, joinOn, settings, joined]) => {
    const forkTask: JsonObject = { name: '@REF', taskReferenceName: '@REF', type: 'FORK_JOIN', forkTasks: branches, ...settings };
    return joined ? [forkTask, { name: '@OTHER', taskReferenceName: '@REF', type: 'JOIN', joinOn }] : [forkTask];
  });
  return [dynamic, fork];
}

function nested(depth: number): fc.Arbitrary<JsonObject>[] {
  if (depth < 0) return [];
  const caseKey = fc.constantFrom('a', 'b', '1', 'true', 'default', 'odd key');
  return [
    task(
      'SWITCH',
      fc.tuple(
        fc.constantFrom<JsonObject>(
          { evaluatorType: 'value-param', expression: 'switchCaseValue', inputParameters: { switchCaseValue: '${workflow.input.mode}' } },
          { evaluatorType: 'value-param', expression: 'kind', inputParameters: { kind: '${@T0.output.kind}' } },
          { evaluatorType: 'graaljs', expression: "$.x > 1 ? 'a' : 'b'", inputParameters: { x: '${workflow.input.amount}' } },
          { evaluatorType: 'javascript', expression: '$.x', inputParameters: { x: 1 } },
        ),
        fc.dictionary(caseKey, fc.oneof(taskList(depth), fc.constant([])), { minKeys: 1, maxKeys: 3 }),
        fc.option(taskList(depth), { nil: undefined }),
      ).map(([selector, decisionCases, defaultCase]) => ({ ...selector, decisionCases, ...(defaultCase && { defaultCase }) })),
    ),
    task(
      'DO_WHILE',
      fc.tuple(taskList(depth), record()).map(([loopOver, inputParameters]) => ({ loopCondition: "$.@SELF['iteration'] < 3", loopOver, inputParameters })),
    ),
    task(
      'DECISION',
      fc.tuple(taskList(depth)).map(([sms]) => ({ caseValueParam: 'mode', inputParameters: { mode: '${workflow.input.mode}' }, decisionCases: { sms } })),
    ),
    task(
      'SUB_WORKFLOW',
      fc.tuple(taskList(depth), record(), fc.boolean()).map(([tasks, input, versioned]) => ({
        inputParameters: input,
        subWorkflowParam: { name: '@INLINE', ...(versioned && { version: 1 }), workflowDefinition: { name: '@INLINE', version: 1, tasks, outputParameters: { out: '${@T0.output.x}' } } },
      })),
    ),
  ];
}

export function taskList(depth: number): fc.Arbitrary<JsonObject[]> {
  const one = [...leaves, ...nested(depth - 1)].map((a) => a.map((t) => [t]));
  return fc.array(fc.oneof(...one, ...pairs(depth - 1)), { minLength: 1, maxLength: depth > 1 ? 3 : 4 }).map((items) => items.flat());
}

/** Gives every task a unique reference and fills in the placeholders. */
function finishTasks(def: JsonObject, prefix: string): JsonObject {
  const refs: string[] = [];
  let counter = 0;
  let inline = 0;
  const assign = (tasks: Json): Json => {
    if (!Array.isArray(tasks)) return tasks;
    return tasks.map((t) => {
      const task = { ...(t as JsonObject) };
      const ref = `${prefix}${counter++}`;
      refs.push(ref);
      task.taskReferenceName = ref;
      if (task.name === '@REF') task.name = ref;
      if (task.name === '@OTHER') task.name = `${String(task.type).toLowerCase()}_task`;
      if (task.decisionCases) task.decisionCases = Object.fromEntries(Object.entries(task.decisionCases as JsonObject).map(([k, v]) => [k, assign(v)]));
      if (task.defaultCase) task.defaultCase = assign(task.defaultCase);
      if (task.loopOver) task.loopOver = assign(task.loopOver);
      if (task.forkTasks) task.forkTasks = (task.forkTasks as Json[]).map(assign);
      const param = task.subWorkflowParam as JsonObject | undefined;
      if (param?.name === '@INLINE') {
        const name = `${prefix}inline_${inline++}`;
        const definition = finishTasks({ ...(param.workflowDefinition as JsonObject), name }, `${ref}_`);
        task.subWorkflowParam = { ...param, name, workflowDefinition: definition };
      }
      const text = JSON.stringify(task).replaceAll('@SELF', ref).replaceAll('@NAME', String(task.name));
      return JSON.parse(text) as Json;
    });
  };
  const tasks = assign(def.tasks ?? []) as JsonObject[];
  // Joins wait on the last task of every branch (or of the first only).
  const fixJoins = (list: Json): void => {
    if (!Array.isArray(list)) return;
    list.forEach((t, i) => {
      const task = t as JsonObject;
      const before = list[i - 1] as JsonObject | undefined;
      if (task.type === 'JOIN' && typeof task.joinOn === 'string' && before?.forkTasks) {
        const ends = (before.forkTasks as JsonObject[][]).map((b) => String(b[b.length - 1]!.taskReferenceName));
        task.joinOn = task.joinOn === '@AUTO' ? ends : ends.slice(0, 1);
      }
      for (const key of ['defaultCase', 'loopOver']) fixJoins(task[key] ?? null);
      if (task.decisionCases) for (const v of Object.values(task.decisionCases as JsonObject)) fixJoins(v);
      if (task.forkTasks) for (const b of task.forkTasks as Json[]) fixJoins(b);
    });
  };
  fixJoins(tasks);
  const resolved = JSON.stringify({ ...def, tasks }).replace(/@T(\d+)/g, (_, n: string) => refs[Number(n) % refs.length]!);
  return JSON.parse(resolved) as JsonObject;
}

const workflowSettings = fc.record(
  {
    description: fc.constantFrom('Processes an order.', 'Two\nlines', '  padded  ', '@tag first', '* star first', 'has */ inside'),
    version: fc.integer({ min: 1, max: 3 }),
    inputParameters: fc.subarray([...INPUT_KEYS]),
    inputTemplate: fc.dictionary(fc.constantFrom('mode', 'extra'), value, { maxKeys: 2 }),
    outputParameters: fc.dictionary(key, value, { maxKeys: 4 }),
    timeoutSeconds: fc.constantFrom(0, 600),
    timeoutPolicy: fc.constantFrom('TIME_OUT_WF', 'ALERT_ONLY'),
    ownerEmail: fc.constant('team@example.com'),
    restartable: fc.boolean(),
    variables: fc.dictionary(fc.constantFrom('counter', 'last'), value, { maxKeys: 2 }),
    metadata: fc.constant({ team: 'orders' }),
    maskedFields: fc.constant(['secret']),
    failureWorkflow: fc.constantFrom('on_failure', 'wf_1'),
    workflowStatusListenerEnabled: fc.boolean(),
    rateLimitConfig: fc.record({ rateLimitKey: stringValue, concurrentExecLimit: fc.constantFrom(0, 1, 5) }),
    schemaVersion: fc.constant(2),
    enforceSchema: fc.boolean(),
  },
  { requiredKeys: ['version'] },
);

/** A batch of workflows named wf_0, wf_1, … (so they can call each other). */
export const workflowBatch: fc.Arbitrary<JsonObject[]> = fc
  .array(fc.tuple(workflowSettings, taskList(3)), { minLength: 1, maxLength: 4 })
  .map((items) => items.map(([settings, tasks], i) => finishTasks({ name: `wf_${i}`, ...settings, tasks }, `w${i}_`)));

/** Registered definitions for some of the worker tasks. */
export const taskDefinitions: fc.Arbitrary<JsonObject[]> = fc.subarray([...TASK_NAMES]).chain((names) =>
  fc.tuple(
    ...names.map((name) =>
      fc
        .record(
          {
            description: fc.constantFrom('Loads things.', 'Multi\nline'),
            retryCount: fc.constantFrom(0, 3, 5),
            retryLogic: fc.constantFrom('FIXED', 'EXPONENTIAL_BACKOFF'),
            retryDelaySeconds: fc.constantFrom(1, 60),
            timeoutSeconds: fc.constantFrom(0, 120),
            responseTimeoutSeconds: fc.constantFrom(60, 3600),
            inputKeys: fc.subarray(['a', 'b', 'orderId']),
            outputKeys: fc.subarray(['id', 'total']),
            ownerEmail: fc.constant('owner@example.com'),
            concurrentExecLimit: fc.constantFrom(0, 4),
            isolationGroupId: fc.constant('group'),
          },
          { requiredKeys: [] },
        )
        .map((def) => ({ name, ...def }) as JsonObject),
    ),
  ),
);
