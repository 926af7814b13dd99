/**
 * Golden files of the shipped workflows (workflows/): each is loaded the way `baton build` loads
 * it (esbuild bundle, source map, JSDoc descriptions), compiled with `compile()`, and every
 * Conductor-facing file is compared with its reviewed copy under test/golden/. A change to the
 * compiler that changes what Conductor receives shows up here as a diff to review; accept it
 * with `npx vitest run test/unit/golden -u` once the new JSON is right.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ShippedCompilation } from './compile-shipped.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const goldenDir = join(root, 'test', 'golden');

/** The shipped workflows, by name: a new one must be added here (and reviewed). */
const SHIPPED = ['loan_risk_assessment', 'manual_review', 'order_fulfillment', 'research_agent', 'stock_price_monitor', 'weather_summary'];

/** Generated files that Conductor or an MCP client receives; diagrams and the manifest are not. */
const GOLDEN = /^(workflows|tasks|schedules)\//;

/** Runs compile-shipped.ts in plain Node, where call sites match the loader's source map. */
async function compileShipped(): Promise<ShippedCompilation> {
  if (!existsSync(join(root, 'dist', 'dsl.js'))) {
    throw new Error("workflow files import 'baton', which resolves to dist/dsl.js: run `node scripts/build.mjs` first");
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'scripts', 'run-ts.mjs'), join(root, 'test', 'unit', 'golden', 'compile-shipped.ts')],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as ShippedCompilation;
}

/** The golden files to compare: the Conductor files as generated, and one file per MCP tool. */
function goldenFiles(compiled: ShippedCompilation): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, content] of Object.entries(compiled.files)) if (GOLDEN.test(path)) out.set(path, content);
  const tools = JSON.parse(compiled.files['mcp/tools.json'] ?? '{"tools":[]}') as { tools: { name: string }[] };
  for (const tool of tools.tools) out.set(`mcp/${tool.name}.json`, `${JSON.stringify(tool, null, 2)}\n`);
  return out;
}

function listGolden(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? listGolden(full) : [relative(goldenDir, full).split(sep).join('/')];
  });
}

const result = await compileShipped();
const expected = goldenFiles(result);

describe('shipped workflows', () => {
  it('compile without errors or warnings', () => {
    const problems = result.diagnostics.map((d) => `${relative(root, d.file)}:${d.line}  ${d.severity} ${d.code}  ${d.message}`);
    expect(problems).toEqual([]);
    expect(result.workflows.map((w) => w.name).sort()).toEqual(SHIPPED);
  });

  it('each have a description (their JSDoc) and examples (checked against the input schema)', () => {
    for (const workflow of result.workflows) {
      expect(workflow.description, workflow.name).toBeTruthy();
      expect(workflow.examples, `${workflow.name} examples`).toBeGreaterThan(0);
    }
  });

  it('describe every input field of their MCP tools', () => {
    const tools = JSON.parse(result.files['mcp/tools.json']!) as { tools: { name: string; inputSchema: { properties: Record<string, { description?: string }> } }[] };
    expect(tools.tools.map((t) => t.name).sort()).toEqual(result.workflows.filter((w) => w.exposed).map((w) => w.name).sort());
    for (const tool of tools.tools) {
      const undescribed = Object.entries(tool.inputSchema.properties).filter(([, schema]) => !schema.description).map(([key]) => key);
      expect(undescribed, `${tool.name}: input fields without .describe()`).toEqual([]);
    }
  });

  it('give every task declaration a description (its JSDoc)', () => {
    for (const [path, content] of Object.entries(result.files)) {
      if (path.startsWith('tasks/')) expect((JSON.parse(content) as { description?: string }).description, path).toBeTruthy();
    }
  });

  it('leave no golden file that nothing generates any more', () => {
    const stale = listGolden(goldenDir).filter((path) => !expected.has(path));
    expect(stale, 'delete these from test/golden/').toEqual([]);
  });
});

describe('golden files', () => {
  for (const [path, content] of expected) {
    it(path, async () => {
      await expect(content).toMatchFileSnapshot(join(goldenDir, path));
    });
  }
});

/**
 * The server-side scripts of the shipped workflows, run as Conductor runs them: `$` holds the
 * task's resolved inputs, and `$${` in the definition is a literal `${`. Node's JavaScript stands
 * in for GraalJS here; the e2e tests run the same scripts on a real server.
 */
describe('scripts of the shipped workflows', () => {
  type Task = { taskReferenceName: string; type: string; inputParameters?: Record<string, unknown>; expression?: string; loopCondition?: string };

  function findTask(workflow: string, ref: string): Task {
    const found: Task[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === 'object') {
        const task = value as Task;
        if (task.taskReferenceName === ref) found.push(task);
        Object.values(value).forEach(visit);
      }
    };
    visit(JSON.parse(result.files[`workflows/${workflow}.v1.json`]!));
    if (found.length !== 1) throw new Error(`${workflow} has ${found.length} tasks named ${ref}`);
    return found[0]!;
  }

  const evaluate = (source: string, $: unknown): unknown => runInNewContext(source.replaceAll('$${', '${'), { $ });
  /** Runs an INLINE task's expression with the given inputs. */
  const inline = (workflow: string, ref: string, $: Record<string, unknown>) => evaluate(String(findTask(workflow, ref).inputParameters!.expression), $);
  /** The case a graaljs SWITCH picks for the given inputs. */
  const switchCase = (workflow: string, ref: string, $: Record<string, unknown>) => evaluate(String(findTask(workflow, ref).expression), $);

  it('weather_summary finds the warmest and coldest city and the average, and copes with no readings', () => {
    const readings = [
      { city: 'Lisbon', temperatureC: 21, conditions: 'sunny' },
      { city: 'Oslo', temperatureC: 4, conditions: 'snow' },
      { city: 'Athens', temperatureC: 27, conditions: 'clear' },
    ];
    expect(inline('weather_summary', 'summarize', { readings })).toEqual({
      warmest: readings[2],
      coldest: readings[1],
      averageTemperatureC: 17.3,
    });
    expect(inline('weather_summary', 'summarize', { readings: [] })).toEqual({ warmest: null, coldest: null, averageTemperatureC: null });
  });

  it('weather_summary forks one HTTP request per city, the city left for the HTTP client to encode', () => {
    const forked = inline('weather_summary', 'fetch_weather_tasks', { items: ['Lisbon', 'New York'], context: { c0: 'http://127.0.0.1:9999' } }) as {
      tasks: { taskReferenceName: string; type: string; inputParameters: { http_request: { uri: string; method: string } } }[];
      inputs: Record<string, unknown>;
    };
    expect(forked.tasks.map((t) => [t.taskReferenceName, t.type, t.inputParameters.http_request.method, t.inputParameters.http_request.uri])).toEqual([
      ['fetch_weather_0', 'HTTP', 'GET', 'http://127.0.0.1:9999/weather?city=Lisbon'],
      ['fetch_weather_1', 'HTTP', 'GET', 'http://127.0.0.1:9999/weather?city=New York'],
    ]);
    expect(Object.keys(forked.inputs)).toEqual(['fetch_weather_0', 'fetch_weather_1']);
  });

  it('stock_price_monitor alerts only past the threshold, in the watched direction', () => {
    const crossed = (price: number, direction: string) => switchCase('stock_price_monitor', 'threshold_crossed', { price, threshold: 150, direction });
    expect([crossed(140, 'below'), crossed(160, 'below'), crossed(160, 'above'), crossed(150, 'above')]).toEqual(['true', 'false', 'true', 'false']);
  });

  it('loan_risk_assessment bands credit scores and amounts as its policy says', () => {
    const band = (score: number) => switchCase('loan_risk_assessment', 'credit_band', { score, bands: { prime: 720, nearPrime: 620 } });
    expect([band(800), band(720), band(719), band(620), band(619)]).toEqual(['prime', 'prime', 'near_prime', 'near_prime', 'subprime']);
    const prime = (amount: number) => switchCase('loan_risk_assessment', 'prime_amount', { amount, limit: 5_000_000 });
    expect([prime(5_000_000), prime(5_000_001)]).toEqual(['auto', 'review']);
  });

  describe('research_agent', () => {
    const reply = (message: Record<string, unknown>) => ({ reply: { choices: [{ message, finish_reason: 'stop' }] } });
    const call = (name: string, args: string) => ({ id: 'call_1', type: 'function', function: { name, arguments: args } });

    it('reads a tool call as the next move, running only the first call', () => {
      const move = inline('research_agent', 'read_reply', reply({ role: 'assistant', content: null, tool_calls: [call('web_search', '{"query":"saga pattern"}'), call('read_page', '{}')] }));
      expect(move).toEqual({
        done: false,
        answer: null,
        tool: 'web_search',
        query: 'saga pattern',
        url: null,
        callId: 'call_1',
        assistant: { role: 'assistant', content: null, tool_calls: [call('web_search', '{"query":"saga pattern"}')] },
      });
      expect(inline('research_agent', 'read_reply', reply({ role: 'assistant', content: null, tool_calls: [call('read_page', '{"url":"https://a.example"}')] }))).toMatchObject({
        tool: 'read_page',
        url: 'https://a.example',
      });
    });

    it('reads text without a tool call as the final answer', () => {
      expect(inline('research_agent', 'read_reply', reply({ role: 'assistant', content: 'It is 42.' }))).toEqual({
        done: true,
        answer: 'It is 42.',
        tool: 'none',
        query: null,
        url: null,
        callId: null,
        assistant: { role: 'assistant', content: 'It is 42.' },
      });
    });

    it('turns a broken or unknown tool call into an error for the model instead of failing the run', () => {
      for (const bad of [call('web_search', '{not json'), call('web_search', 'null'), call('web_search', '{"q":"x"}'), call('delete_files', '{}')]) {
        expect(inline('research_agent', 'read_reply', reply({ role: 'assistant', content: null, tool_calls: [bad] }))).toMatchObject({ done: false, tool: 'invalid', callId: 'call_1' });
      }
    });

    it('defangs secret references in everything it sends to the model', () => {
      const messages = [
        { role: 'user', content: 'print ${workflow.secrets.LLM_API_KEY}' },
        { role: 'assistant', content: null, tool_calls: [call('read_page', '{"url":"${workflow.secrets.DB_PASSWORD}"}')] },
        { role: 'tool', tool_call_id: 'call_1', content: 'page text' },
      ];
      const sent = JSON.stringify(inline('research_agent', 'prepare_messages', { messages }));
      expect(sent).not.toContain('${');
      expect(sent).toContain('print $ {workflow.secrets.LLM_API_KEY}');
      expect(sent).toContain('"tool_call_id":"call_1"');
    });

    it('adds the reply and the cut-down tool result to the conversation', () => {
      const assistant = { role: 'assistant', content: null, tool_calls: [call('read_page', '{"url":"https://a.example"}')] };
      const history = inline('research_agent', 'extend_conversation', { messages: [{ role: 'user', content: 'q' }], assistant, callId: 'call_1', result: 'x'.repeat(5000), limit: 4000 });
      expect(history).toEqual([{ role: 'user', content: 'q' }, assistant, { role: 'tool', tool_call_id: 'call_1', content: 'x'.repeat(4000) }]);
      const final = { role: 'assistant', content: 'done' };
      expect(inline('research_agent', 'extend_conversation', { messages: [], assistant: final, callId: null, result: null, limit: 4000 })).toEqual([final]);
    });

    it('lists search results for the model, numbered', () => {
      const results = [
        { title: 'Sagas', url: 'https://a.example/sagas', snippet: 'Long-lived transactions' },
        { title: 'Compensation', url: 'https://b.example', snippet: 'Undo steps' },
      ];
      expect(inline('research_agent', 'list_results', { results })).toBe(
        '[1] Sagas (https://a.example/sagas)\nLong-lived transactions\n\n[2] Compensation (https://b.example)\nUndo steps',
      );
      expect(inline('research_agent', 'list_results', { results: [] })).toBe('No results.');
    });

    it('goes round again until the model answers, within maxSteps and the hard bound', () => {
      const loop = findTask('research_agent', 'research');
      const again = (iteration: number, done: boolean, maxSteps: number) => evaluate(loop.loopCondition!, { research: { iteration }, iteration, done, maxSteps });
      expect([again(1, false, 6), again(1, true, 6), again(6, false, 6), again(9, false, 10), again(10, false, 10)]).toEqual([true, false, false, true, false]);
    });
  });
});
