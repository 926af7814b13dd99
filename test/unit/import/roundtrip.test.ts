/**
 * The round trip over the corpus in test/fixtures/import: every definition (every task type,
 * forks in switches in loops, dynamic forks, inline sub-workflows, input templates, expressions
 * with array indexes and mixed strings, unknown task types, registered task definitions) is
 * imported as one batch, the way a team migrates, and the generated modules, built by the real
 * compiler, give back exactly what was imported. The modules also pass the type-check.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { resolveConfig } from '../../../compiler/config.js';
import { readDefinitionFiles } from '../../../importer/definitions.js';
import { type GeneratedFile, type ImportOutcome, generateModules, importDefinitions } from '../../../importer/index.js';
import { jsonDifferences } from '../../../importer/json.js';
import { normalizeTaskDef, normalizeWorkflowDef } from '../../../importer/normalize.js';
import { type Built, buildFiles, projectRoot, scratchDir, typeErrors, writeFiles } from './helpers.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'import');
const files = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => join('test', 'fixtures', 'import', f));
const definitions = readDefinitionFiles(files.map((f) => join(projectRoot, f)));
const dir = scratchDir('corpus');

let outcome: ImportOutcome;
let paths: string[];
let built: Built;
const source = (name: string): string => outcome.files.find((f: GeneratedFile) => f.path === name)?.text ?? '';

beforeAll(async () => {
  outcome = await importDefinitions({ definitions, root: projectRoot, config: resolveConfig(projectRoot, {}) });
  paths = writeFiles(dir, outcome.files);
  built = await buildFiles(paths);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import of the corpus', () => {
  it('reads every workflow of every file', () => {
    const names = definitions.workflows.map((w) => `${String(w.definition.name)}@${String(w.definition.version)}`).sort();
    expect(names).toEqual([
      'catalog_sync@2',
      'checkout@5',
      'inventory_rebalance@1',
      'legacy_notifications@7',
      'order_fulfillment_legacy@3',
      'payment_flow@1',
      'payment_flow@2',
      'support_answer@3',
    ]);
    expect([...definitions.taskDefs.keys()].sort()).toEqual(['authorise_payment', 'capture_payment']);
  });

  it('builds every module back to exactly the imported definition', () => {
    expect(built.errors).toEqual([]);
    for (const { definition } of definitions.workflows) {
      const key = `${String(definition.name)}@${String(definition.version)}`;
      const rebuilt = built.workflows.get(key);
      expect(rebuilt, key).toBeDefined();
      expect(jsonDifferences(normalizeWorkflowDef(definition), normalizeWorkflowDef(rebuilt!)), key).toEqual([]);
    }
  });

  it('needed no fallback: every builder wrote its tasks exactly the first time', () => {
    expect(outcome.verified).toBe(true);
    expect(outcome.rounds).toBe(1);
    expect(outcome.workflows.map((w) => [w.name, w.fallback])).toEqual(outcome.workflows.map((w) => [w.name, 'none']));
  });

  it('keeps imported task definitions exactly, and gives the others the project policy', () => {
    for (const [name, original] of definitions.taskDefs) {
      expect(jsonDifferences(normalizeTaskDef(original), normalizeTaskDef(built.taskDefs.get(name)!)), name).toEqual([]);
    }
    // A task without an imported definition is registered with baton's policy.
    expect(built.taskDefs.get('charge_card')).toMatchObject({ retryCount: 3, retryLogic: 'EXPONENTIAL_BACKOFF' });
    expect(source('tasks.ts')).toContain("No task definition was imported for this task: baton registers it with the project's");
  });

  it('passes the TypeScript type-check', async () => {
    expect(await typeErrors(paths)).toEqual([]);
  }, 120_000);

  it('writes the builders a person would write', () => {
    const order = source('order_fulfillment_legacy.ts');
    expect(order).toContain("export default workflow('order_fulfillment_legacy', {");
    expect(order).toContain('/** Charges, reserves stock and ships an order. */');
    expect(order).toMatch(/wf\.run\(\s*validateOrderTask,/);
    expect(order).toContain("const risk = wf.http('risk_check', {");
    expect(order).toContain('uri: str`https://risk.example.com/score/${wf.input.customer.id!}?amount=${wf.input.amount}`');
    expect(order).toContain("js({ score: risk.output.body.score! }, \"$.score > 80 ? 'review' : 'auto'\")");
    expect(order).toContain('const { charge: { charge }, reserve: { weight } } = wf.parallel(');
    expect(order).toContain("join: { ref: 'fulfil_join', conductorName: 'join' }");
    expect(order).toContain('(b, pollIteration) => {');
    expect(order).toContain('attempt: pollIteration');
    expect(order).toContain("status: raw('${check.output.status}')");
    expect(order).toContain('message: str`Order ${wf.input.orderId} done`');
    expect(order).toContain('currency: z.any().default(\'EUR\')');
    expect(order).toContain('preserveSettings: true');
    expect(order).toContain("Remove preserveSettings to give\n  // every task the project's retry/timeout policy");

    const nested = source('inventory_rebalance.ts');
    expect(nested).toContain("const { pick: { pick }, truck: { dock, label } } = b.parallel(");
    expect(nested).toContain("'1': (b) => {");
    expect(nested).toMatch(/wf\.switch\(\s*'final_route',\s*wf\.input\.mode,/);
    expect(nested).toContain("evaluatorType: 'value-param'");

    const checkout = source('checkout.ts');
    expect(checkout).toContain("import paymentFlowV2Workflow from './payment_flow.v2.js';");
    expect(checkout).toContain("version: 'latest'");
    expect(checkout).toContain('const checkoutFulfilmentInlineWorkflow = workflow(');
    expect(checkout).toContain('inline: true');
    // A workflow that calls itself cannot be a typed reference (baton rejects the cycle).
    expect(checkout).toContain("b.task('checkout_again', {");
    expect(source('external.ts')).toContain("export const auditTrailV3Workflow = externalWorkflow('audit_trail', {");

    const catalog = source('catalog_sync.ts');
    expect(catalog).toContain("filtered: raw('${catalog.output.items[?(@.price > 100)]}')");
    expect(catalog).toContain("byKey: raw('${catalog.output.prices.${workflow.input.supplier}}')");
    expect(catalog).toContain("escaped: raw('costs $${price} per unit')");
    expect(catalog).toContain('second: catalog.output.items[1]!.sku!');
    expect(catalog).toContain("odd: wf.input['odd key']");
    expect(catalog).toContain("wf.task('publish', {\n    type: 'FORK_JOIN_DYNAMIC',");
    expect(catalog).toContain('taskName: str`${wf.input.supplier}_notify`');
    expect(catalog).toContain("secret: secret('supplier_token')");

    // The AI and MCP task types through their builders; a chat with a role Conductor does not know stays raw.
    const support = source('support_answer.ts');
    expect(support).toContain("wf.searchIndex('search_kb', {");
    expect(support).toContain("headers: { Authorization: str`Bearer ${secret('CRM_TOKEN')}` },");
    expect(support).toContain("messages: raw<any>('${draft.output.messages}'),");
    expect(support).toContain("wf.task('odd_chat', {\n    type: 'LLM_CHAT_COMPLETE',");
    const legacy = source('legacy_notifications.ts');
    expect(legacy).toContain("wf.chatComplete('ask_model', {");
    expect(legacy).toContain('arguments: { id: wf.input.userId },');
    expect(legacy).toContain("type: 'DECISION'");
    expect(legacy).toContain("type: 'MY_PLUGIN_TASK'");
    expect(legacy).toContain("onStateChange: { onFailed: [{ type: 'notify', payload: { who: 'oncall' } }] }");
    expect(legacy).toContain("rateLimit: { key: raw<string>('${workflow.input.userId}'), concurrentExecLimit: 2 }");
    expect(legacy).toContain("cache: { key: str`user-${wf.input.userId}`, ttlSeconds: 600 }");

    const tasks = source('tasks.ts');
    expect(tasks).toContain('/** Authorises a card payment with the PSP. */\nexport const authorisePaymentTask = task(\'authorise_payment\', {');
    expect(tasks).toContain("retryLogic: 'LINEAR_BACKOFF'");
    expect(tasks).toContain("fields: { isolationGroupId: 'psp' }");
  });

  it('is deterministic: the same definitions give the same files', () => {
    const again = generateModules(definitions).files;
    expect(again.map((f) => [f.path, f.text])).toEqual(generateModules(definitions).files.map((f) => [f.path, f.text]));
    expect(new Set(again.map((f) => f.path))).toEqual(new Set(outcome.files.map((f) => f.path)));
  });
});
