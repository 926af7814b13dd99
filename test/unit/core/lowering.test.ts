/**
 * Each builder's lowering, asserted as the exact WorkflowTask JSON the compiler writes: small
 * workflows compiled through the real pipeline (compile + resolveConfig with no project config).
 */
import { describe, expect, it } from 'vitest';
import { externalWorkflow, js, raw, secret, str, task, when, workflow, z } from '../../../dsl/index.js';
import { allTasks, codes, compileAll, compileOk, defaultDef, diagnosticsOf, fileJson, type JsonObject } from './helpers.js';

const fetchUser = task('fetch_user', {
  input: z.object({ id: z.string() }),
  output: z.object({ name: z.string(), tier: z.enum(['gold', 'basic']), score: z.number(), tags: z.array(z.string()) }),
});
const notify = task('notify', { input: z.object({ text: z.string() }), output: z.object({ sent: z.boolean() }) });

const userInput = z.object({ id: z.string(), ids: z.array(z.string()), flag: z.boolean(), tier: z.enum(['gold', 'basic']) });
const anyOutput = z.object({}).catchall(z.unknown());

describe('run (SIMPLE)', () => {
  it('writes the declaration name, a derived reference and the mapped input', () => {
    const wf = workflow('simple_run', { input: userInput, output: z.object({ name: z.string() }) }, (wf) => {
      const user = wf.run(fetchUser, { id: wf.input.id });
      const again = wf.run(fetchUser, { id: user.output.name });
      return { name: again.output.name };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      { name: 'fetch_user', taskReferenceName: 'fetch_user', type: 'SIMPLE', inputParameters: { id: '${workflow.input.id}' } },
      { name: 'fetch_user', taskReferenceName: 'fetch_user_2', type: 'SIMPLE', inputParameters: { id: '${fetch_user.output.name}' } },
    ]);
    expect(definition).toEqual({
      name: 'simple_run',
      version: 1,
      schemaVersion: 2,
      tasks,
      inputParameters: ['id', 'ids', 'flag', 'tier'],
      outputParameters: { name: '${fetch_user_2.output.name}' },
      restartable: true,
      workflowStatusListenerEnabled: false,
      timeoutPolicy: 'TIME_OUT_WF',
      timeoutSeconds: 3600,
      variables: {},
    });
  });

  it('writes the common step options, and embeds a definition only when the step overrides its declaration', () => {
    const wf = workflow('simple_options', { input: userInput, output: anyOutput }, (wf) => {
      wf.run(fetchUser, { id: 'a' }, {
        ref: 'tuned',
        description: 'with options',
        optional: true,
        permissive: true,
        startDelaySeconds: 5,
        asyncComplete: true,
        rateLimited: true,
        cache: { key: str`user-${wf.input.id}`, ttlSeconds: 60 },
      });
      wf.run(fetchUser, { id: 'b' }, { ref: 'patient', retryCount: 1, timeoutSeconds: 20 });
      return {};
    });
    const { tasks } = compileOk(wf);
    expect(tasks[0]).toEqual({
      name: 'fetch_user',
      taskReferenceName: 'tuned',
      type: 'SIMPLE',
      description: 'with options',
      inputParameters: { id: 'a' },
      optional: true,
      permissive: true,
      startDelay: 5,
      asyncComplete: true,
      rateLimited: true,
      cacheConfig: { key: 'user-${workflow.input.id}', ttlInSecond: 60 },
    });
    expect(tasks[1]).toEqual({
      name: 'fetch_user',
      taskReferenceName: 'patient',
      type: 'SIMPLE',
      inputParameters: { id: 'b' },
      taskDefinition: defaultDef('fetch_user', { retryCount: 1, timeoutSeconds: 20, responseTimeoutSeconds: 20, totalTimeoutSeconds: 20 * 2 + 2 + 60 }),
    });
  });
});

describe('http (HTTP)', () => {
  it('writes http_request with defaults, and explicit settings from the external profile', () => {
    const wf = workflow('http_call', { input: userInput, output: z.object({ title: z.string() }) }, (wf) => {
      const call = wf.http('get_profile', {
        uri: str`https://profiles.example/users/${wf.input.id}`,
        method: 'POST',
        headers: { 'X-Tier': wf.input.tier, 'X-Static': 'yes' },
        body: { ids: wf.input.ids, note: 'literal ${x}' },
        connectionTimeOutMs: 1000,
        readTimeOutMs: 2000,
        output: z.object({ title: z.string() }),
      });
      return { title: call.output.body.title };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      {
        name: 'get_profile',
        taskReferenceName: 'get_profile',
        type: 'HTTP',
        inputParameters: {
          http_request: {
            uri: 'https://profiles.example/users/${workflow.input.id}',
            method: 'POST',
            headers: { 'X-Tier': '${workflow.input.tier}', 'X-Static': 'yes' },
            body: { ids: '${workflow.input.ids}', note: 'literal $${x}' },
            accept: 'application/json',
            contentType: 'application/json',
            connectionTimeOut: 1000,
            readTimeOut: 2000,
          },
        },
        taskDefinition: defaultDef('get_profile', { timeoutSeconds: 30, responseTimeoutSeconds: 30, totalTimeoutSeconds: 30 * 4 + 14 + 60 }),
      },
    ]);
    // The response lives under output.response.
    expect(definition.outputParameters).toEqual({ title: '${get_profile.output.response.body.title}' });
  });

  it('never leaves Conductor’s 100 ms / 150 ms timeouts: connect and read within the step’s timeout', () => {
    const wf = workflow('http_defaults', { input: userInput, output: anyOutput }, (wf) => {
      wf.http('slow_service', { uri: 'https://slow.example/report', method: 'GET' });
      wf.http('quick_check', { uri: 'https://health.example/ping', method: 'GET', timeoutSeconds: 2, responseTimeoutSeconds: 2 });
      wf.http('own_read', { uri: 'https://slow.example/x', method: 'GET', readTimeOutMs: 20_000 });
      return {};
    });
    const { tasks } = compileOk(wf);
    const request = (i: number) => (tasks[i]!.inputParameters as JsonObject).http_request as JsonObject;
    expect(request(0)).toMatchObject({ connectionTimeOut: 5000, readTimeOut: 25_000 });
    expect(request(2)).toMatchObject({ connectionTimeOut: 5000, readTimeOut: 20_000 });
    const quick = tasks[1]!;
    expect((quick.taskDefinition as JsonObject).timeoutSeconds).toBe(2);
    expect(request(1)).toMatchObject({ connectionTimeOut: 500, readTimeOut: 1500 });
  });

  it('warns when the call may outlast the step: Conductor would give the attempt up first', () => {
    const wf = workflow('http_outlasts', { input: userInput, output: anyOutput }, (wf) => {
      wf.http('slow_read', { uri: 'https://slow.example/x', method: 'GET', readTimeOutMs: 90_000 });
      wf.http('fits', { uri: 'https://slow.example/y', method: 'GET', readTimeOutMs: 90_000, timeoutSeconds: 120, responseTimeoutSeconds: 120 });
      return {};
    });
    const found = diagnosticsOf(wf).filter((d) => d.code === 'http-timeouts');
    expect(found.map((d) => [d.severity, d.message])).toEqual([
      ['warning', "HTTP step 'slow_read' may connect for 5000 ms and read for 90000 ms, longer than its 30 s timeout: Conductor gives the attempt up before the call does"],
    ]);
  });
});

describe('secrets', () => {
  const auth = () => ({ Authorization: str`Bearer ${secret('API_TOKEN')}` });

  it('are written as ${workflow.secrets.NAME}, for the server to put in when the task runs, and listed in the manifest', () => {
    const wf = workflow('secret_call', { input: userInput, output: anyOutput }, (wf) => {
      wf.http('call', { uri: 'https://api.example/x', method: 'GET', headers: auth() });
      wf.if('maybe', wf.input.flag, (b) => void b.http('other', { uri: 'https://api.example/y', method: 'GET', headers: { 'X-Key': raw<string>('${workflow.secrets.OLD_KEY}') } }));
      return {};
    });
    const { tasks, result, compiled } = compileOk(wf);
    const request = (tasks[0]!.inputParameters as JsonObject).http_request as JsonObject;
    expect(request.headers).toEqual({ Authorization: 'Bearer ${workflow.secrets.API_TOKEN}' });
    // What the server must provide, nested and raw ones included.
    expect(compiled.secrets).toEqual(['API_TOKEN', 'OLD_KEY']);
    expect((fileJson(result, 'manifest.json').workflows as JsonObject[])[0]).toMatchObject({ name: 'secret_call', secrets: ['API_TOKEN', 'OLD_KEY'] });
  });

  it('reach each element of a one-task for-each as placeholders the script assembles, never as context', () => {
    const wf = workflow('secret_each', { input: userInput, output: anyOutput }, (wf) => {
      wf.forEach('each', wf.input.ids, (id, b) => {
        b.http('call', { uri: str`https://api.example/${id}`, method: 'GET', headers: auth() });
      });
      return {};
    });
    const script = allTasks(compileOk(wf).tasks).find((t) => t.taskReferenceName === 'each_tasks')!;
    const params = script.inputParameters as JsonObject;
    expect(params.context).toEqual({});
    // Conductor puts secrets into a script's text too: the placeholder must not stand in it whole.
    expect(String(params.expression)).not.toMatch(/\$\{workflow\.secrets/);
    expect(String(params.expression)).toContain('"Bearer $" + "{workflow.secrets.API_TOKEN}"');
  });

  it('are refused where a child definition travels in a task’s input, and in names that cannot work', () => {
    const child = workflow('secret_child', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.http('call', { uri: 'https://api.example/x', method: 'GET', headers: auth() });
      return {};
    });
    const inlined = workflow('secret_inlined', { input: userInput, output: anyOutput }, (wf) => {
      wf.subWorkflow(child, {}, { inline: true });
      wf.forEach('each', wf.input.ids, (id, b) => {
        b.http('call_each', { uri: str`https://api.example/${id}`, method: 'GET', headers: auth() });
        b.noop('after');
      });
      return {};
    });
    const found = diagnosticsOf(inlined).filter((d) => d.code === 'secret-in-inline-definition');
    expect(found.map((d) => d.message)).toEqual([
      expect.stringContaining("sub-workflow 'secret_child' is inlined and reads secret 'API_TOKEN'"),
      expect.stringContaining("for-each 'each' reads secret 'API_TOKEN' in a body of several steps"),
    ]);
    expect(() => secret('api-token')).toThrow(/secret name 'api-token' cannot be used/);

    // Written by hand with raw() too; an imported definition that already does it is only warned about.
    const rawChild = workflow('raw_secret_child', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.http('call', { uri: 'https://api.example/x', method: 'GET', headers: { Authorization: raw<string>('Bearer ${workflow.secrets.OLD_KEY}') } });
      return {};
    });
    const severities = (preserveSettings: boolean) =>
      diagnosticsOf(
        workflow('raw_secret_parent', { input: z.object({}), output: anyOutput, preserveSettings }, (wf) => {
          wf.subWorkflow(rawChild, {}, { inline: true });
          return {};
        }),
      )
        .filter((d) => d.code === 'secret-in-inline-definition')
        .map((d) => d.severity);
    expect(severities(false)).toEqual(['error']);
    expect(severities(true)).toEqual(['warning']);
  });

  it('are refused where Conductor would store their value, and in the output, where it leaves the placeholder', () => {
    const child = workflow('secret_taker', { input: z.object({ token: z.string() }), output: anyOutput }, (wf) => {
      wf.noop('nothing');
      return {};
    });
    const leaky = workflow(
      'secret_leaks',
      { input: z.object({}), output: z.object({ token: z.string() }), variables: z.object({ token: z.string() }) },
      (wf) => {
        wf.setVariable('keep_token', { token: secret('API_TOKEN') });
        wf.subWorkflow(child, { token: secret('API_TOKEN') });
        wf.startWorkflow(child, { token: secret('API_TOKEN') });
        return { token: secret('API_TOKEN') };
      },
    );
    const found = diagnosticsOf([leaky, child]).filter((d) => d.code === 'secret-stored' || d.code === 'secret-in-output');
    // In source order: the output is reported at the workflow's declaration.
    expect(found.map((d) => [d.code, d.message])).toEqual([
      ['secret-in-output', "the output of workflow 'secret_leaks' reads secret 'API_TOKEN', which Conductor does not put into a workflow's output: it would hold the placeholder text"],
      ['secret-stored', "setVariable 'keep_token' sets a variable to secret 'API_TOKEN': Conductor stores the variables with the secret's value"],
      ['secret-stored', "sub-workflow 'secret_taker' passes secret 'API_TOKEN' as input: Conductor starts 'secret_taker' with the secret's value, stored as its input"],
      ['secret-stored', "startWorkflow 'start_secret_taker' passes secret 'API_TOKEN' as input: Conductor starts 'secret_taker' with the secret's value, stored as its input"],
    ]);
  });
});

describe('inline (INLINE)', () => {
  it('ships the function source with $ bound to the parameters, ${ escaped', () => {
    const wf = workflow('inline_fn', { input: userInput, output: z.object({ greeting: z.string() }) }, (wf) => {
      const greet = wf.inline('greet', { id: wf.input.id, n: 2 }, ($) => `${$.id}!`.repeat($.n));
      return { greeting: greet.output.result };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      {
        name: 'greet',
        taskReferenceName: 'greet',
        type: 'INLINE',
        inputParameters: {
          id: '${workflow.input.id}',
          n: 2,
          evaluatorType: 'graaljs',
          expression: '(($) => `$${$.id}!`.repeat($.n))($)',
        },
      },
    ]);
    expect(definition.outputParameters).toEqual({ greeting: '${greet.output.result}' });
  });

  it('takes a text script with an output schema', () => {
    const wf = workflow('inline_text', { input: userInput, output: anyOutput }, (wf) => {
      wf.inline('sum', { a: 1, b: 2 }, '$.a + $.b', { output: z.number() });
      return {};
    });
    expect(compileOk(wf).tasks).toEqual([
      { name: 'sum', taskReferenceName: 'sum', type: 'INLINE', inputParameters: { a: 1, b: 2, evaluatorType: 'graaljs', expression: '$.a + $.b' } },
    ]);
  });
});

describe('switch and if (SWITCH)', () => {
  it('switches on a value with value-param, and merges branch results in an INLINE', () => {
    const wf = workflow('switch_value', { input: userInput, output: z.object({ label: z.unknown() }) }, (wf) => {
      const picked = wf.switch(
        'by_tier',
        wf.input.tier,
        {
          gold: (b) => {
            const user = b.run(fetchUser, { id: wf.input.id });
            return { label: user.output.name };
          },
          basic: () => ({ label: 'basic' }),
        },
        { default: (b) => b.run(notify, { text: 'unknown tier' }) },
      );
      return { label: picked.output };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      {
        name: 'by_tier',
        taskReferenceName: 'by_tier',
        type: 'SWITCH',
        inputParameters: { switchCaseValue: '${workflow.input.tier}' },
        evaluatorType: 'value-param',
        expression: 'switchCaseValue',
        decisionCases: {
          gold: [{ name: 'fetch_user', taskReferenceName: 'fetch_user', type: 'SIMPLE', inputParameters: { id: '${workflow.input.id}' } }],
          basic: [],
        },
        defaultCase: [{ name: 'notify', taskReferenceName: 'notify', type: 'SIMPLE', inputParameters: { text: 'unknown tier' } }],
      },
      {
        name: 'by_tier_result',
        taskReferenceName: 'by_tier_result',
        type: 'INLINE',
        inputParameters: {
          evaluationResult: '${by_tier.output.evaluationResult}',
          case0: { label: '${fetch_user.output.name}' },
          case1: { label: 'basic' },
          fallback: '${notify.output}',
          evaluatorType: 'graaljs',
          expression:
            '(function () { var keys = ["gold","basic"]; var taken = $.evaluationResult == null ? null : String($.evaluationResult[0]); ' +
            "var i = keys.indexOf(taken); return i < 0 ? $.fallback : $['case' + i]; })()",
        },
      },
    ]);
    expect(definition.outputParameters).toEqual({ label: '${by_tier_result.output.result}' });
  });

  it('switches on a script with graaljs and no result step when branches return nothing', () => {
    const wf = workflow('switch_script', { input: userInput, output: anyOutput }, (wf) => {
      wf.switch('by_score', when({ id: wf.input.id }, ($) => ($.id.length > 3 ? 'long' : 'short')), {
        long: (b) => {
          b.run(notify, { text: 'long' });
        },
      });
      return {};
    });
    expect(compileOk(wf).tasks).toEqual([
      {
        name: 'by_score',
        taskReferenceName: 'by_score',
        type: 'SWITCH',
        inputParameters: { id: '${workflow.input.id}' },
        evaluatorType: 'graaljs',
        expression: '(($) => $.id.length > 3 ? "long" : "short")($)',
        decisionCases: { long: [{ name: 'notify', taskReferenceName: 'notify', type: 'SIMPLE', inputParameters: { text: 'long' } }] },
        defaultCase: [],
      },
    ]);
  });

  it('if compiles to true/false cases, on a boolean reference or a script', () => {
    const wf = workflow('if_forms', { input: userInput, output: z.object({ which: z.string() }) }, (wf) => {
      const chosen = wf.if('flagged', wf.input.flag, () => ({ which: 'yes' }), () => ({ which: 'no' }));
      wf.if('many', js({ ids: wf.input.ids }, '$.ids.length > 1'), (b) => {
        b.run(notify, { text: 'many' });
      });
      return { which: chosen.output.which };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks[0]).toEqual({
      name: 'flagged',
      taskReferenceName: 'flagged',
      type: 'SWITCH',
      inputParameters: { switchCaseValue: '${workflow.input.flag}' },
      evaluatorType: 'value-param',
      expression: 'switchCaseValue',
      decisionCases: { true: [] },
      defaultCase: [],
    });
    expect(tasks[1]!.taskReferenceName).toBe('flagged_result');
    expect((tasks[1]!.inputParameters as JsonObject).case0).toEqual({ which: 'yes' });
    expect((tasks[1]!.inputParameters as JsonObject).fallback).toEqual({ which: 'no' });
    expect(tasks[2]).toEqual({
      name: 'many',
      taskReferenceName: 'many',
      type: 'SWITCH',
      inputParameters: { ids: '${workflow.input.ids}' },
      evaluatorType: 'graaljs',
      expression: "(($.ids.length > 1) ? 'true' : 'false')",
      decisionCases: { true: [{ name: 'notify', taskReferenceName: 'notify', type: 'SIMPLE', inputParameters: { text: 'many' } }] },
      defaultCase: [],
    });
    expect(definition.outputParameters).toEqual({ which: '${flagged_result.output.result.which}' });
  });
});

describe('parallel (FORK_JOIN + JOIN)', () => {
  it('joins on the last task of every branch, with a NOOP after a branch ending in a SWITCH', () => {
    const wf = workflow('fork_join', { input: userInput, output: z.object({ a: z.string(), b: z.boolean() }) }, (wf) => {
      const results = wf.parallel('fan_out', {
        user: (b) => {
          b.run(notify, { text: 'first' });
          return b.run(fetchUser, { id: wf.input.id });
        },
        alert: (b) => b.run(notify, { text: 'second' }),
        maybe: (b) => {
          b.if('only_gold', wf.input.flag, (c) => {
            c.run(notify, { text: 'gold' });
          });
        },
      });
      return { a: results.user.output.name, b: results.alert.output.sent };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      {
        name: 'fan_out',
        taskReferenceName: 'fan_out',
        type: 'FORK_JOIN',
        inputParameters: {},
        forkTasks: [
          [
            { name: 'notify', taskReferenceName: 'notify', type: 'SIMPLE', inputParameters: { text: 'first' } },
            { name: 'fetch_user', taskReferenceName: 'fetch_user', type: 'SIMPLE', inputParameters: { id: '${workflow.input.id}' } },
          ],
          [{ name: 'notify', taskReferenceName: 'notify_2', type: 'SIMPLE', inputParameters: { text: 'second' } }],
          [
            {
              name: 'only_gold',
              taskReferenceName: 'only_gold',
              type: 'SWITCH',
              inputParameters: { switchCaseValue: '${workflow.input.flag}' },
              evaluatorType: 'value-param',
              expression: 'switchCaseValue',
              decisionCases: { true: [{ name: 'notify', taskReferenceName: 'notify_3', type: 'SIMPLE', inputParameters: { text: 'gold' } }] },
              defaultCase: [],
            },
            { name: 'fan_out_maybe_end', taskReferenceName: 'fan_out_maybe_end', type: 'NOOP' },
          ],
        ],
      },
      { name: 'fan_out_join', taskReferenceName: 'fan_out_join', type: 'JOIN', inputParameters: {}, joinOn: ['fetch_user', 'notify_2', 'fan_out_maybe_end'] },
    ]);
    expect(definition.outputParameters).toEqual({ a: '${fetch_user.output.name}', b: '${notify_2.output.sent}' });
  });
});

describe('forEach (FORK_JOIN_DYNAMIC)', () => {
  it('with a single-task body: a script builds one task per element, a join waits, a script gathers', () => {
    const wf = workflow('for_each_single', { input: userInput, output: z.object({ names: z.array(z.string()) }) }, (wf) => {
      const each = wf.forEach('users', wf.input.ids, (id, b) => {
        const user = b.run(fetchUser, { id });
        return user.output.name;
      });
      return { names: each.output };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks.map((t) => [t.taskReferenceName, t.type])).toEqual([
      ['users_tasks', 'INLINE'],
      ['users', 'FORK_JOIN_DYNAMIC'],
      ['users_join', 'JOIN'],
      ['users_results', 'INLINE'],
    ]);
    expect(tasks[1]).toEqual({
      name: 'users',
      taskReferenceName: 'users',
      type: 'FORK_JOIN_DYNAMIC',
      inputParameters: { dynamicTasks: '${users_tasks.output.result.tasks}', dynamicTasksInput: '${users_tasks.output.result.inputs}' },
      dynamicForkTasksParam: 'dynamicTasks',
      dynamicForkTasksInputParamName: 'dynamicTasksInput',
    });
    expect(tasks[2]).toEqual({ name: 'users_join', taskReferenceName: 'users_join', type: 'JOIN', inputParameters: {}, joinOn: [] });
    const build = tasks[0]!.inputParameters as JsonObject;
    expect(build.items).toBe('${workflow.input.ids}');
    expect(build.context).toEqual({});
    // The per-element task is the body's own task, renamed per element, its input computed from the element.
    expect(build.expression).toContain(`var t = {"name": "fetch_user", "taskReferenceName": 'users_' + i, "type": "SIMPLE", "inputParameters": {"id": (esc(item))}};`);
    // The script's own `${` (in the escaping helper) is escaped for Conductor.
    expect(build.expression).toContain("v.split('$${').join('$$${')");
    expect(build.expression).not.toMatch(/(^|[^$])\$\{/);
    const gather = tasks[3]!.inputParameters as JsonObject;
    expect(gather.joined).toBe('${users_join.output}');
    expect(gather.expression).toContain(`out.push((o == null ? null : o["name"]))`);
    expect(definition.outputParameters).toEqual({ names: '${users_results.output.result}' });
  });

  it('with a multi-step body: each element runs an inline sub-workflow fed item, index and outer values', () => {
    const wf = workflow('for_each_multi', { input: userInput, output: anyOutput }, (wf) => {
      const each = wf.forEach('users', wf.input.ids, (id, b, index) => {
        const user = b.run(fetchUser, { id });
        const sent = b.run(notify, { text: str`${user.output.name} #${index} for ${wf.input.tier}` });
        return { sent: sent.output.sent };
      });
      return { results: each.output };
    });
    const { tasks } = compileOk(wf);
    const build = tasks[0]!.inputParameters as JsonObject;
    expect(build.context).toEqual({ c0: '${workflow.input.tier}' });
    const expressionText = String(build.expression);
    expect(expressionText).toContain(`"type": "SUB_WORKFLOW", "inputParameters": {"item": (esc(item)), "index": (i), "context": (esc($.context))}`);
    // The child's definition is embedded, its references escaped once more for the script's own input.
    expect(expressionText).toContain(`"subWorkflowParam": {"name": "for_each_multi_users", "version": 1, "workflowDefinition": {"name": "for_each_multi_users"`);
    expect(expressionText).toContain(`"inputParameters": {"id": "$\${workflow.input.item}"}`);
    expect(expressionText).toContain(`"inputParameters": {"text": "$\${fetch_user.output.name} #$\${workflow.input.index} for $\${workflow.input.context.c0}"}`);
    expect(expressionText).toContain(`"outputParameters": {"sent": "$\${notify.output.sent}"}`);
  });
});

describe('loop and loopOver (DO_WHILE)', () => {
  it('loop: the condition script combines maxIterations and while; its params are re-evaluated each pass', () => {
    const wf = workflow('loop_until', { input: userInput, output: z.object({ last: z.number() }) }, (wf) => {
      const poll = wf.loop(
        'poll',
        (b, iteration) => {
          const user = b.run(fetchUser, { id: str`${wf.input.id}-${iteration}` });
          return { score: user.output.score };
        },
        { maxIterations: 10, while: (last) => when({ score: last.score }, ($) => $.score < 50), keepLastN: 3 },
      );
      return { last: poll.output.score };
    });
    const { tasks, definition } = compileOk(wf);
    expect(tasks).toEqual([
      {
        name: 'poll',
        taskReferenceName: 'poll',
        type: 'DO_WHILE',
        inputParameters: { score: '${fetch_user.output.score}', keepLastN: 3 },
        loopCondition: "($['poll'].iteration < 10) && Boolean((($) => $.score < 50)($))",
        loopOver: [
          { name: 'fetch_user', taskReferenceName: 'fetch_user', type: 'SIMPLE', inputParameters: { id: '${workflow.input.id}-${poll.output.iteration}' } },
        ],
      },
    ]);
    // After the loop, its result reads the body's task (Conductor resolves it to the last pass).
    expect(definition.outputParameters).toEqual({ last: '${fetch_user.output.score}' });
  });

  it('loop: a while on a reference compares with true; maxIterations alone bounds it', () => {
    const wf = workflow('loop_ref', { input: userInput, output: anyOutput }, (wf) => {
      wf.loop('again', (b) => ({ more: b.run(notify, { text: 'x' }).output.sent }), { while: (last) => last.more, maxIterations: 3 });
      wf.loop('thrice', (b) => {
        b.run(notify, { text: 'y' });
      }, { maxIterations: 3 });
      return {};
    });
    const { tasks } = compileOk(wf);
    expect(tasks[0]!.inputParameters).toEqual({ continue: '${notify.output.sent}' });
    expect(tasks[0]!.loopCondition).toBe("($['again'].iteration < 3) && Boolean(($.continue === true))");
    expect(tasks[1]!.loopCondition).toBe("($['thrice'].iteration < 3)");
  });

  it('loopOver: walks a list one element per pass, guarded so an empty list runs nothing', () => {
    const wf = workflow('loop_over', { input: userInput, output: anyOutput }, (wf) => {
      wf.loopOver('each_id', wf.input.ids, (id, b, index) => {
        b.run(notify, { text: str`${id} at ${index}` });
      });
      return {};
    });
    expect(compileOk(wf).tasks).toEqual([
      {
        name: 'each_id_guard',
        taskReferenceName: 'each_id_guard',
        type: 'SWITCH',
        inputParameters: { items: '${workflow.input.ids}' },
        evaluatorType: 'graaljs',
        expression: "($.items != null && $.items.length > 0) ? 'run' : 'skip'",
        decisionCases: {
          run: [
            {
              name: 'each_id',
              taskReferenceName: 'each_id',
              type: 'DO_WHILE',
              inputParameters: { items: '${workflow.input.ids}' },
              loopCondition: "($['each_id'].iteration < ($.items == null ? 0 : $.items.length))",
              loopOver: [
                {
                  name: 'each_id_item',
                  taskReferenceName: 'each_id_item',
                  type: 'INLINE',
                  inputParameters: {
                    items: '${each_id.input.items}',
                    iteration: '${each_id.output.iteration}',
                    evaluatorType: 'graaljs',
                    expression: '(function () { var i = $.iteration - 1; return { item: $.items[i], index: i }; })()',
                  },
                },
                {
                  name: 'notify',
                  taskReferenceName: 'notify',
                  type: 'SIMPLE',
                  inputParameters: { text: '${each_id_item.output.result.item} at ${each_id_item.output.result.index}' },
                },
              ],
            },
          ],
        },
        defaultCase: [],
      },
    ]);
  });
});

describe('subWorkflow (SUB_WORKFLOW)', () => {
  const child = workflow('child_flow', { version: 2, input: z.object({ id: z.string() }), output: z.object({ done: z.boolean() }) }, (wf) => {
    const sent = wf.run(notify, { text: wf.input.id });
    return { done: sent.output.sent };
  });

  it('by reference: name and version, the child output as the step output, sub-workflow settings', () => {
    const parent = workflow('parent_flow', { input: userInput, output: z.object({ done: z.boolean() }) }, (wf) => {
      const run = wf.subWorkflow(child, { id: wf.input.id }, { taskToDomain: { notify: 'blue' } });
      return { done: run.output.done };
    });
    const { tasks, definition } = compileOk([parent, child]);
    expect(tasks).toEqual([
      {
        name: 'child_flow',
        taskReferenceName: 'child_flow',
        type: 'SUB_WORKFLOW',
        inputParameters: { id: '${workflow.input.id}' },
        subWorkflowParam: { name: 'child_flow', version: 2, taskToDomain: { notify: 'blue' } },
        taskDefinition: defaultDef('child_flow', { retryCount: 0, timeoutSeconds: 0, responseTimeoutSeconds: 3600, totalTimeoutSeconds: 0 }),
      },
    ]);
    expect(definition.outputParameters).toEqual({ done: '${child_flow.output.done}' });
  });

  it('inline: embeds the child definition', () => {
    const parent = workflow('parent_inline', { input: userInput, output: anyOutput }, (wf) => {
      wf.subWorkflow(child, { id: 'x' }, { inline: true, ref: 'embedded' });
      return {};
    });
    const { tasks } = compileOk(parent);
    const param = tasks[0]!.subWorkflowParam as JsonObject;
    expect(param.name).toBe('child_flow');
    expect(param.version).toBe(2);
    const embedded = param.workflowDefinition as JsonObject;
    expect(embedded.name).toBe('child_flow');
    expect(embedded.tasks).toEqual([{ name: 'notify', taskReferenceName: 'notify', type: 'SIMPLE', inputParameters: { text: '${workflow.input.id}' } }]);
  });

  it('an external workflow is called by name without being built', () => {
    const legacy = externalWorkflow('legacy_flow', { version: 7, input: z.object({ id: z.string() }), output: z.object({}) });
    const parent = workflow('parent_external', { input: userInput, output: anyOutput }, (wf) => {
      wf.subWorkflow(legacy, { id: wf.input.id });
      return {};
    });
    const { tasks, result } = compileOk([parent, legacy]);
    expect(tasks[0]!.subWorkflowParam).toEqual({ name: 'legacy_flow', version: 7 });
    expect([...result.files.keys()].some((f) => f.includes('legacy_flow'))).toBe(false);
  });
});

describe('wait, terminate, setVariable and the task() escape hatch', () => {
  it('write their own input shapes', () => {
    const wf = workflow(
      'small_types',
      // Two hours: the waits add up to more than the default hour.
      { input: userInput, output: anyOutput, variables: z.object({ count: z.number(), who: z.string() }), timeoutSeconds: 7200 },
      (wf) => {
        wf.wait('pause', { seconds: 30 });
        wf.wait('nap', { duration: '1h 30m' });
        wf.wait('until', { until: '2026-12-01 09:00 UTC' });
        wf.wait('signal', { output: z.object({ approved: z.boolean() }) });
        wf.setVariable('remember', { count: 1, who: wf.input.id });
        wf.task('lambda', { type: 'LAMBDA', input: { value: wf.input.id }, fields: { scriptExpression: 'return 1;' }, output: z.number() });
        wf.terminate('stop', { status: 'FAILED', reason: str`bad ${wf.input.id}`, output: { why: 'stopped' } });
        return {};
      },
    );
    expect(compileOk(wf).tasks).toEqual([
      { name: 'pause', taskReferenceName: 'pause', type: 'WAIT', inputParameters: { duration: '30 seconds' } },
      { name: 'nap', taskReferenceName: 'nap', type: 'WAIT', inputParameters: { duration: '1h 30m' } },
      { name: 'until', taskReferenceName: 'until', type: 'WAIT', inputParameters: { until: '2026-12-01 09:00 UTC' } },
      { name: 'signal', taskReferenceName: 'signal', type: 'WAIT', inputParameters: {} },
      { name: 'remember', taskReferenceName: 'remember', type: 'SET_VARIABLE', inputParameters: { count: 1, who: '${workflow.input.id}' } },
      { name: 'lambda', taskReferenceName: 'lambda', type: 'LAMBDA', inputParameters: { value: '${workflow.input.id}' }, scriptExpression: 'return 1;' },
      {
        name: 'stop',
        taskReferenceName: 'stop',
        type: 'TERMINATE',
        inputParameters: { terminationStatus: 'FAILED', terminationReason: 'bad ${workflow.input.id}', workflowOutput: { why: 'stopped' } },
      },
    ]);
  });

  it('task() with execution "system" gets explicit settings under its task name', () => {
    const wf = workflow('custom_system', { input: userInput, output: anyOutput }, (wf) => {
      wf.task('publish', { type: 'KAFKA_PUBLISH', taskName: 'kafka_out', execution: 'system', input: { kafka_request: { topic: 't' } }, timeoutSeconds: 10 });
      return {};
    });
    expect(compileOk(wf).tasks).toEqual([
      {
        name: 'kafka_out',
        taskReferenceName: 'publish',
        type: 'KAFKA_PUBLISH',
        inputParameters: { kafka_request: { topic: 't' } },
        taskDefinition: defaultDef('kafka_out', { timeoutSeconds: 10, responseTimeoutSeconds: 10, totalTimeoutSeconds: 10 * 4 + 14 + 60 }),
      },
    ]);
  });

  it('task() reserved fields and odd types are reported', () => {
    const wf = workflow('custom_bad', { input: userInput, output: anyOutput }, (wf) => {
      wf.task('odd', { type: 'lowercase', fields: { inputParameters: {} } });
      return {};
    });
    const found = diagnosticsOf(wf);
    expect(codes(found)).toEqual(expect.arrayContaining(['custom-type', 'custom-reserved']));
    expect(found.find((d) => d.code === 'custom-type')!.severity).toBe('warning');
  });
});

describe('compensation', () => {
  const charge = task('charge', {
    input: z.object({ orderId: z.string(), cents: z.number() }),
    output: z.object({ chargeId: z.string() }),
    profile: 'external',
  });
  const refund = task('refund', { input: z.object({ chargeId: z.string(), orderId: z.string(), reason: z.string() }), output: z.object({}) });
  const reserve = task('reserve', { input: z.object({ sku: z.string() }), output: z.object({ holdId: z.string() }) });
  const release = task('release', { input: z.object({ holdId: z.string() }), output: z.object({}) });

  const saga = workflow(
    'saga',
    { input: z.object({ orderId: z.string(), cents: z.number(), sku: z.string() }), output: anyOutput, ownerEmail: 'team@example.com' },
    (wf) => {
      wf.run(charge, { orderId: wf.input.orderId, cents: wf.input.cents }).compensate(refund, (done) => ({
        chargeId: done.output.chargeId,
        orderId: done.input.orderId,
        reason: 'saga failed',
      }));
      wf.run(reserve, { sku: wf.input.sku }).compensate(release, (done) => ({ holdId: done.output.holdId }), { retryCount: 4 });
      wf.run(notify, { text: 'done' });
      return {};
    },
  );

  it('wires the failure workflow to <name>_compensation and writes it beside the workflow', () => {
    const { definition, result } = compileOk(saga);
    expect(definition.failureWorkflow).toBe('saga_compensation');
    const comp = fileJson(result, 'workflows/saga_compensation.v1.json');
    expect(comp.name).toBe('saga_compensation');
    expect(comp.version).toBe(1);
    expect(comp.ownerEmail).toBe('team@example.com');
    expect(comp.timeoutPolicy).toBe('ALERT_ONLY');
    expect(comp.inputParameters).toEqual(['workflowId', 'reason', 'failureStatus', 'failureTaskId', 'failedWorkflow']);
    const manifest = fileJson(result, 'manifest.json');
    expect((manifest.workflows as JsonObject[]).map((w) => [w.name, w.compensates ?? null, w.dependsOn])).toEqual([
      ['saga_compensation', 'saga', []],
      ['saga', null, ['saga_compensation']],
    ]);
  });

  it('plans from the failed run: completed compensable steps, newest first, undo input from the step', () => {
    const comp = compileOk(saga).compiled.compensation as JsonObject;
    const [plan, guard] = comp.tasks as JsonObject[];
    expect(plan!.taskReferenceName).toBe('compensation_plan');
    const params = plan!.inputParameters as JsonObject;
    expect(params.failed).toBe('${workflow.input.failedWorkflow}');
    const script = String(params.expression);
    expect(script).toContain(
      'var makers = {"charge": function (t) { return {"chargeId": (t.outputData == null ? null : t.outputData["chargeId"]), ' +
        '"orderId": (t.inputData == null ? null : t.inputData["orderId"]), "reason": "saga failed"}; }, ' +
        '"reserve": function (t) { return {"holdId": (t.outputData == null ? null : t.outputData["holdId"])}; }}',
    );
    expect(script).toContain("if (t.status !== 'COMPLETED' && t.status !== 'COMPLETED_WITH_ERRORS') continue;");
    expect(script).toContain('steps.reverse();');
    expect(guard!.decisionCases).toBeDefined();
  });

  it('runs each undo task with the patient compensation profile, layered under the task and the mapping', () => {
    const comp = compileOk(saga).compiled.compensation as JsonObject;
    const undos = allTasks(comp.tasks as JsonObject[]).filter((t) => String(t.taskReferenceName).startsWith('undo_'));
    expect(undos.map((t) => t.taskReferenceName)).toEqual(['undo_charge', 'undo_reserve']);
    expect(undos[0]).toEqual({
      name: 'refund',
      taskReferenceName: 'undo_charge',
      type: 'SIMPLE',
      inputParameters: {
        chargeId: '${next_compensation.output.result.input.chargeId}',
        orderId: '${next_compensation.output.result.input.orderId}',
        reason: '${next_compensation.output.result.input.reason}',
      },
      taskDefinition: defaultDef('refund', {
        retryCount: 10,
        retryDelaySeconds: 5,
        maxRetryDelaySeconds: 300,
        // 11 attempts of 60 s, then 5, 10, …, 300 capped: 5+10+20+40+80+160+300+300+300+300.
        totalTimeoutSeconds: 11 * 60 + 1515 + 60,
        ownerEmail: 'team@example.com',
      }),
    });
    expect((undos[1]!.taskDefinition as JsonObject).retryCount).toBe(4);
  });

  it('runs the workflow’s own failure workflow last, and reports a name clash', () => {
    const after = workflow('after_failure', { input: z.object({}).catchall(z.unknown()), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'failed' });
      return {};
    });
    const withFailure = workflow('saga_then', { input: z.object({ sku: z.string() }), output: anyOutput, failureWorkflow: after }, (wf) => {
      wf.run(reserve, { sku: wf.input.sku }).compensate(release, (d) => ({ holdId: d.output.holdId }));
      return {};
    });
    const { compiled, definition } = compileOk([withFailure, after]);
    expect(definition.failureWorkflow).toBe('saga_then_compensation');
    const last = (compiled.compensation!.tasks as JsonObject[]).at(-1)!;
    expect(last).toMatchObject({ name: 'after_failure', taskReferenceName: 'then_failure_workflow', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'after_failure', version: 1 } });
    expect(last.inputParameters).toMatchObject({ sku: '${workflow.input.sku}', failedWorkflow: '${workflow.input.failedWorkflow}' });

    const clash = workflow('saga_compensation', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(notify, { text: 'x' });
      return {};
    });
    expect(codes(compileAll([saga, clash]).diagnostics)).toContain('name-clash');
  });

  describe('undone by a workflow', () => {
    const cancelBooking = workflow(
      'cancel_booking',
      { input: z.object({ bookingId: z.string(), reason: z.string() }), output: anyOutput, timeoutSeconds: 120 },
      (wf) => {
        wf.http('delete_booking', { uri: str`https://booking.example/bookings/${wf.input.bookingId}`, method: 'DELETE' });
        return {};
      },
    );
    const book = task('book', { input: z.object({ orderId: z.string() }), output: z.object({ bookingId: z.string() }) });
    const trip = workflow('trip', { input: z.object({ orderId: z.string(), sku: z.string() }), output: anyOutput }, (wf) => {
      wf.run(book, { orderId: wf.input.orderId }).compensate(cancelBooking, (done) => ({ bookingId: done.output.bookingId, reason: 'trip failed' }), {
        retryCount: 2,
      });
      wf.run(reserve, { sku: wf.input.sku }).compensate(release, (done) => ({ holdId: done.output.holdId }));
      return {};
    });

    it('runs the undo workflow as a child, with its input from the plan and the compensation retries', () => {
      const { compiled, result } = compileOk([trip, cancelBooking]);
      const undos = allTasks(compiled.compensation!.tasks as JsonObject[]).filter((t) => String(t.taskReferenceName).startsWith('undo_'));
      expect(undos.map((t) => [t.taskReferenceName, t.type])).toEqual([
        ['undo_book', 'SUB_WORKFLOW'],
        ['undo_reserve', 'SIMPLE'],
      ]);
      expect(undos[0]).toMatchObject({
        name: 'cancel_booking',
        inputParameters: {
          bookingId: '${next_compensation.output.result.input.bookingId}',
          reason: '${next_compensation.output.result.input.reason}',
        },
        subWorkflowParam: { name: 'cancel_booking', version: 1 },
      });
      // The child run has its own timeout; the task retries it (the mapping's 2, not the profile's 10).
      expect(undos[0]!.taskDefinition).toMatchObject({ retryCount: 2, retryDelaySeconds: 5, timeoutSeconds: 0, totalTimeoutSeconds: 0 });
      const script = String(((compiled.compensation!.tasks as JsonObject[])[0]!.inputParameters as JsonObject).expression);
      expect(script).toContain('"book": function (t) { return {"bookingId": (t.outputData == null ? null : t.outputData["bookingId"]), "reason": "trip failed"}; }');
      // Registered before the compensation workflow that starts it.
      const manifest = fileJson(result, 'manifest.json');
      expect((manifest.workflows as JsonObject[]).find((w) => w.name === 'trip_compensation')!.dependsOn).toEqual(['cancel_booking']);
      // Three runs of the child's 120 s, the retry delays, and the release task's worst case, plus an hour.
      const releaseWorst = 11 * 60 + 1515;
      expect(compiled.compensation!.timeoutSeconds).toBe(3 * 120 + 5 + 10 + releaseWorst + 3600);
    });

    it('checks the mapping against the undo workflow’s input, and that the workflow exists', () => {
      const loose = workflow('loose', { input: z.object({ orderId: z.string() }), output: anyOutput }, (wf) => {
        wf.run(book, { orderId: wf.input.orderId }).compensate(cancelBooking, (done) => ({ bookingId: done.output.bookingId, reason: 42 as never }));
        return {};
      });
      expect(codes(compileAll([loose, cancelBooking]).diagnostics)).toContain('input-schema');
      expect(codes(compileAll([trip]).diagnostics)).toContain('undo-workflow-missing');
      const self: ReturnType<typeof workflow> = workflow('self_undo', { input: z.object({ bookingId: z.string(), reason: z.string() }), output: anyOutput }, (wf) => {
        wf.run(book, { orderId: 'x' }).compensate(self, (done) => ({ bookingId: done.output.bookingId, reason: 'x' }));
        return {};
      });
      expect(codes(compileAll([self]).diagnostics)).toContain('undo-workflow-self');
      const external = externalWorkflow('remote_cancel', { version: 3, input: z.object({ id: z.string() }), output: anyOutput });
      const byExternal = workflow('by_external', { input: z.object({}), output: anyOutput }, (wf) => {
        wf.run(book, { orderId: 'x' }).compensate(external, (done) => ({ id: done.output.bookingId }));
        return {};
      });
      const { compiled } = compileOk([byExternal, external]);
      const undo = allTasks(compiled.compensation!.tasks as JsonObject[]).find((t) => t.taskReferenceName === 'undo_book')!;
      expect(undo.subWorkflowParam).toEqual({ name: 'remote_cancel', version: 3 });
    });
  });

  it('a step with two compensations is reported', () => {
    const wf = workflow('twice', { input: z.object({}), output: anyOutput }, (wf) => {
      wf.run(reserve, { sku: 'a' })
        .compensate(release, (d) => ({ holdId: d.output.holdId }))
        .compensate(release, (d) => ({ holdId: d.output.holdId }));
      return {};
    });
    expect(codes(diagnosticsOf(wf))).toContain('duplicate-compensation');
  });
});
