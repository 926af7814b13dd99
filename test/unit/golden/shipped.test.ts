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
