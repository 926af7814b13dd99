// `secret(name)` on the real server: the value reaches the service the step calls (a plain
// step, each element of a for-each, a child workflow called by reference from a for-each), and
// appears nowhere in the execution history of the run or of its children.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { secret, str, workflow, z } from '../../dsl/index.js';
import { createClient } from '../../runtime/client.js';
import { Conductor } from '../../runtime/conductor.js';
import { registerWorkflows } from './fixtures/definitions.js';
import { type World, startWorld } from './fixtures/world.js';

const timeouts = { connectionTimeOutMs: 2_000, readTimeOutMs: 5_000 } as const;

/** A registered child: the way to read a secret in a for-each body of several steps. */
const cityReport = workflow(
  'e2e_secret_city_report',
  { input: z.object({ baseUrl: z.string(), city: z.string() }), output: z.object({}), timeoutSeconds: 60, tool: { expose: false } },
  (wf) => {
    wf.http('report_call', { uri: str`${wf.input.baseUrl}/weather?city=${wf.input.city}`, method: 'GET', headers: { Authorization: str`Bearer ${secret('E2E_API_TOKEN')}` }, ...timeouts });
    wf.noop('reported');
    return {};
  },
);

const secretCalls = workflow(
  'e2e_secret_calls',
  {
    input: z.object({ baseUrl: z.string(), cities: z.array(z.string()) }),
    output: z.object({}),
    timeoutSeconds: 120,
    tool: { expose: false },
  },
  (wf) => {
    const auth = { Authorization: str`Bearer ${secret('E2E_API_TOKEN')}` };
    wf.http('plain_call', { uri: str`${wf.input.baseUrl}/weather?city=Oslo`, method: 'GET', headers: auth, ...timeouts });
    wf.forEach('one_task_each', wf.input.cities, (city, b) => {
      b.http('city_call', { uri: str`${wf.input.baseUrl}/weather?city=${city}`, method: 'GET', headers: auth, ...timeouts });
    });
    wf.forEach('child_each', wf.input.cities, (city, b) => {
      b.subWorkflow(cityReport, { baseUrl: wf.input.baseUrl, city });
    });
    return {};
  },
);

let world: World;
const conductor = () => new Conductor({ serverUrl: inject('conductorUrl') });

beforeAll(async () => {
  world = await startWorld();
  await registerWorkflows(conductor(), [cityReport, secretCalls]);
});

afterAll(async () => {
  await world?.stop();
});

/** The run and every child run it started, as the server stores them. */
async function history(workflowId: string): Promise<unknown[]> {
  const run = await conductor().get<{ tasks: { subWorkflowId?: string }[] }>(`/workflow/${workflowId}?includeTasks=true`);
  const children = run.tasks.flatMap((t) => (t.subWorkflowId ? [t.subWorkflowId] : []));
  return [run, ...(await Promise.all(children.map(history))).flat()];
}

describe('secrets', () => {
  it('reach the service the step calls and never the execution history', async (context) => {
    const value = inject('conductorSecret');
    // A reused server (CONDUCTOR_SERVER_URL) was not started with the test's secret.
    if (value === '') return context.skip();
    const run = await createClient({ serverUrl: inject('conductorUrl') }).execute(secretCalls, { baseUrl: world.url, cities: ['Lisbon', 'Oslo'] }, { waitSeconds: 60 });
    expect(run.status, JSON.stringify(run.failedTask)).toBe('COMPLETED');

    const calls = world.requests('GET', '/weather');
    expect(calls).toHaveLength(5);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${value}`);

    const runs = await history(run.workflowId);
    const leaks = runs.flatMap((r) => ((r as { tasks: { referenceTaskName: string }[] }).tasks ?? []).filter((t) => JSON.stringify(t).includes(value)).map((t) => t.referenceTaskName));
    expect(leaks).toEqual([]);
    const stored = JSON.stringify(runs);
    expect(stored).toContain('${workflow.secrets.E2E_API_TOKEN}');
    expect(stored).not.toContain(value);
  });
});
