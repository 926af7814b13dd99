/**
 * Compiles workflow objects already in memory (imported by a test, say) with the project's
 * configuration, exactly as `baton build` would, and returns the Conductor JSON: workflow
 * definitions, generated compensation workflows, task definitions and schedules.
 */
import { WORKFLOW } from '../dsl/brands.js';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { compile } from '../compiler/compile.js';
import { type ResolvedConfig, loadConfig } from '../compiler/config.js';
import { formatDiagnostic } from '../compiler/diagnostics.js';

export type ConductorJson = Record<string, unknown>;

export interface CompiledSet {
  /** Workflow definitions by name (compensation workflows included), newest version. */
  readonly workflows: ReadonlyMap<string, ConductorJson>;
  /** The compensation workflow generated for a workflow, by the workflow's name. */
  readonly compensations: ReadonlyMap<string, ConductorJson>;
  readonly taskDefs: ReadonlyMap<string, ConductorJson>;
  readonly schedules: readonly ConductorJson[];
}

const configs = new Map<string, Promise<ResolvedConfig>>();

function configFor(root: string): Promise<ResolvedConfig> {
  let config = configs.get(root);
  if (!config) {
    config = loadConfig(root);
    configs.set(root, config);
  }
  return config;
}

export async function compileWorkflows(workflows: readonly AnyWorkflow[], options: { root?: string } = {}): Promise<CompiledSet> {
  const config = await configFor(options.root ?? process.cwd());
  const result = compile({
    config,
    workflows: workflows.map((workflow) => ({ workflow, file: workflow[WORKFLOW].loc.file })),
  });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const missing = errors.some((d) => d.code === 'sub-workflow-missing');
    throw new Error(
      `the workflows do not compile:\n${errors.map((d) => `  ${formatDiagnostic(d, config.root)}`).join('\n')}` +
        (missing ? '\n(pass the workflows this one calls as sub-workflows too)' : ''),
    );
  }
  const defs = new Map<string, ConductorJson>();
  const compensations = new Map<string, ConductorJson>();
  const taskDefs = new Map<string, ConductorJson>();
  const schedules: ConductorJson[] = [];
  for (const compiled of result.workflows) {
    defs.set(compiled.ir.name, compiled.definition as ConductorJson);
    if (compiled.compensation) {
      const def = compiled.compensation as ConductorJson;
      defs.set(String(def.name), def);
      compensations.set(compiled.ir.name, def);
    }
  }
  for (const [file, content] of result.files) {
    if (file.startsWith('tasks/')) {
      const def = JSON.parse(content) as ConductorJson;
      taskDefs.set(String(def.name), def);
    } else if (file.startsWith('schedules/')) {
      schedules.push(JSON.parse(content) as ConductorJson);
    }
  }
  return { workflows: defs, compensations, taskDefs, schedules };
}
