/**
 * The compiler pipeline, without the disk: loaded workflow objects in, diagnostics and the
 * content of every generated file out. resolve ▸ validate ▸ defaults ▸ lower ▸ compensation ▸
 * schemas ▸ artifacts. `build.ts` adds loading, type-checking and writing.
 */
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { SourceLoc } from '../ir/source.js';
import type { TaskDeclIR } from '../ir/task-decl.js';
import type { Json } from '../ir/value.js';
import type { WorkflowIR } from '../ir/workflow.js';
import type { LocationMapper } from '../dsl/recorder.js';
import { WORKFLOW } from '../dsl/brands.js';
import type { AnyWorkflow } from '../dsl/workflow.js';
import { walkSteps } from '../tasktypes/registry.js';
import { secretsIn } from '../tasktypes/embedded-secrets.js';
import type { SimpleNode } from '../tasktypes/simple.js';
import type { StartWorkflowNode } from '../tasktypes/start-workflow.js';
import type { SubWorkflowNode } from '../tasktypes/sub-workflow.js';
import type { ResolvedConfig } from './config.js';
import { DiagnosticBag, type Diagnostic, sortDiagnostics } from './diagnostics.js';
import { docComment } from './jsdoc.js';
import { compensableSteps, compensationName, compensationWorkflow, undoWorkflows } from './passes/compensation.js';
import { type ConductorJson, declPolicy, declTaskDefJson, lowerWorkflow } from './passes/lower.js';
import { CONDUCTOR_NAME, checkSubWorkflowCycles, sameDeclaration, validateWorkflow } from './passes/validate.js';
import { jsonSchema } from './schema-info.js';
import { type ToolDefinition, toolDefinition } from './artifacts/mcp-tools.js';
import { mermaid } from './artifacts/mermaid.js';
import { stableJson } from './json.js';

export interface SourcedWorkflow {
  readonly workflow: AnyWorkflow;
  /** Absolute path of the module that exports it. */
  readonly file: string;
}

export interface CompileInput {
  readonly config: ResolvedConfig;
  readonly workflows: readonly SourcedWorkflow[];
  /** Task declarations exported by workflow modules (used or not). */
  readonly taskDecls?: readonly { readonly decl: TaskDeclIR; readonly file: string }[];
  readonly mapLoc?: LocationMapper;
}

export interface CompiledWorkflow {
  readonly ir: WorkflowIR;
  readonly definition: ConductorJson;
  readonly compensation?: ConductorJson;
  readonly source: string;
  readonly tool?: ToolDefinition;
  /** Secrets its steps read, which the server must provide. */
  readonly secrets: readonly string[];
}

export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Generated files by path relative to the output directory. Empty when there are errors. */
  readonly files: ReadonlyMap<string, string>;
  readonly workflows: readonly CompiledWorkflow[];
}

const identity: LocationMapper = (loc) => loc;

function hash(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

/** Attaches JSDoc descriptions the author wrote above `workflow(…)`. */
function withDescription(ir: WorkflowIR): WorkflowIR {
  if (ir.description !== undefined) return ir;
  const doc = docComment(ir.loc.file, ir.loc.line);
  return doc === undefined ? ir : Object.freeze({ ...ir, description: doc });
}

export function compile(input: CompileInput): CompileResult {
  const { config } = input;
  const mapLoc = input.mapLoc ?? identity;
  const bag = new DiagnosticBag();
  const reporterFor = (workflow?: string) => (loc: SourceLoc, code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error') =>
    bag.report({ loc, code, message, severity, ...(hint !== undefined && { hint }), ...(workflow !== undefined && { workflow }) });

  // Resolve: build every workflow's IR (dedupe objects exported twice).
  const seen = new Set<object>();
  const built: { ir: WorkflowIR; source: string }[] = [];
  const external = new Map<string, number>();
  for (const { workflow, file } of input.workflows) {
    if (seen.has(workflow)) continue;
    seen.add(workflow);
    const definition = workflow[WORKFLOW];
    if (definition.external) {
      external.set(definition.name, definition.version);
      continue;
    }
    const result = definition.build(mapLoc);
    for (const p of result.problems) {
      bag.report({ loc: p.loc, code: p.code, message: p.message, severity: p.severity, workflow: definition.name, ...(p.hint !== undefined && { hint: p.hint }) });
    }
    built.push({ ir: withDescription(result.ir), source: file });
  }
  built.sort((a, b) => a.ir.name.localeCompare(b.ir.name) || a.ir.version - b.ir.version);

  const byKey = new Map<string, { ir: WorkflowIR; source: string }>();
  for (const entry of built) {
    const key = `${entry.ir.name}@${entry.ir.version}`;
    const first = byKey.get(key);
    if (first) {
      reporterFor(entry.ir.name)(entry.ir.loc, 'duplicate-workflow', `workflow '${entry.ir.name}' version ${entry.ir.version} is defined twice`, `the other is in ${relative(config.root, first.source)}`);
    } else {
      byKey.set(key, entry);
    }
  }
  const names = new Set(built.map((b) => b.ir.name));
  const project = {
    findWorkflow: (name: string, version?: number) =>
      version === undefined ? built.find((b) => b.ir.name === name)?.ir : byKey.get(`${name}@${version}`)?.ir,
    knowsWorkflow: (name: string) => names.has(name) || external.has(name),
  };

  // Validate.
  for (const { ir } of byKey.values()) {
    validateWorkflow(ir, project, config.policy, reporterFor(ir.name));
    if (compensableSteps(ir).length > 0 && names.has(compensationName(ir.name))) {
      reporterFor(ir.name)(ir.loc, 'name-clash', `workflow '${compensationName(ir.name)}' clashes with the compensation workflow generated for '${ir.name}'`, 'rename one of them');
    }
  }
  checkSubWorkflowCycles([...byKey.values()].map((b) => b.ir), (w, loc, message) => reporterFor(w.name)(loc, 'sub-workflow-cycle', message, 'break the cycle; a workflow cannot wait for itself'));

  // Task declarations: from steps, compensations and exports; one definition per name.
  const decls = new Map<string, { decl: TaskDeclIR; loc: SourceLoc }>();
  // Every step running a task adds its declaration: map a declaration's location only when kept.
  const addDecl = (decl: TaskDeclIR, workflow?: string) => {
    const first = decls.get(decl.name);
    if (!first) {
      const loc = mapLoc(decl.loc);
      if (!CONDUCTOR_NAME.test(decl.name)) reporterFor(workflow)(loc, 'invalid-name', `task name '${decl.name}' is not allowed by Conductor`, 'use letters, digits, _ and -');
      decls.set(decl.name, { decl, loc });
    } else if (!sameDeclaration(first.decl, decl)) {
      reporterFor(workflow)(mapLoc(decl.loc), 'conflicting-task', `task '${decl.name}' is declared twice with different settings`, `the other declaration is at ${relative(config.root, first.loc.file)}:${first.loc.line}; declare it once and import it`);
    }
  };
  for (const { ir } of byKey.values()) {
    walkSteps(ir.steps, (step) => {
      if (step.kind === 'simple') addDecl((step as SimpleNode).task, ir.name);
      if (step.compensation?.undo.kind === 'taskDecl') addDecl(step.compensation.undo, ir.name);
    });
  }
  for (const { decl } of input.taskDecls ?? []) addDecl(decl);
  // A declaration's own settings must be registrable even when no workflow uses it yet.
  for (const { decl, loc } of decls.values()) {
    if (decl.preserveSettings) continue;
    for (const conflict of declPolicy(config.policy, decl).conflicts) {
      reporterFor()(loc, 'policy-conflict', `task '${decl.name}': ${conflict}`, 'responseTimeout ≤ timeout ≤ totalTimeout must hold');
    }
  }

  const errors = bag.errors.length > 0;
  if (errors) return { diagnostics: sortDiagnostics(bag.items), files: new Map(), workflows: [] };

  // Lower, compensation, artifacts.
  const files = new Map<string, string>();
  // Generated paths have no `.` or `..` segments: the output directory's own path is enough.
  const outPrefix = posix(relative(config.root, config.outDir));
  const outRel = (path: string) => (outPrefix === '' ? path : `${outPrefix}/${path}`);
  // Schemas are shared between workflows: each distinct schema file is written out once.
  const schemaFiles = { input: new Map<WorkflowIR['input'], string>(), output: new Map<WorkflowIR['input'], string>() };
  const schemaFile = (schema: WorkflowIR['input'], io: 'input' | 'output') => {
    let text = schemaFiles[io].get(schema);
    if (text === undefined) schemaFiles[io].set(schema, (text = stableJson(jsonSchema(schema, io))));
    return text;
  };
  const compiled: CompiledWorkflow[] = [];
  const manifestWorkflows: Json[] = [];
  const tools: Json[] = [];
  const schedules: Json[] = [];
  const options = { policy: config.policy, ...(config.ownerEmail !== undefined && { ownerEmail: config.ownerEmail }) };
  const declared = new Set(decls.keys());
  for (const { ir, source } of byKey.values()) {
    const report = reporterFor(ir.name);
    const lowerOptions = { ...options, report, findWorkflow: project.findWorkflow };
    const compensation = compensationWorkflow(ir, lowerOptions);
    const definition = lowerWorkflow(ir, lowerOptions, compensation ? { failureWorkflow: compensationName(ir.name) } : {});
    checkLoweredRefs(definition, ir, report, declared);
    const base = `${fileName(ir.name)}.v${ir.version}`;
    const content = stableJson(definition);
    const workflowFile = `workflows/${base}.json`;
    files.set(workflowFile, content);
    const exposed = ir.tool.expose !== false;
    const tool = exposed ? toolDefinition(ir) : undefined;
    if (tool) tools.push(tool);
    files.set(`schemas/${base}.input.json`, schemaFile(ir.input, 'input'));
    files.set(`schemas/${base}.output.json`, schemaFile(ir.output, 'output'));
    files.set(`diagrams/${base}.mmd`, mermaid(ir));
    const dependsOn = new Set<string>();
    walkSteps(ir.steps, (step) => {
      if (step.kind === 'subWorkflow' && !(step as SubWorkflowNode).inlineDefinition) dependsOn.add((step as SubWorkflowNode).workflow.name);
      // A started workflow must exist before anything can start it.
      if (step.kind === 'startWorkflow') dependsOn.add((step as StartWorkflowNode).workflow.name);
    });
    if (compensation) dependsOn.add(compensationName(ir.name));
    else if (ir.failureWorkflow) dependsOn.add(ir.failureWorkflow.name);
    const sourceFile = posix(relative(config.root, source));
    const secrets = secretsIn(ir.steps);
    if (compensation) {
      const compensationFile = `workflows/${fileName(compensationName(ir.name))}.v${ir.version}.json`;
      const compensationContent = stableJson(compensation);
      files.set(compensationFile, compensationContent);
      manifestWorkflows.push({
        name: compensationName(ir.name),
        version: ir.version,
        file: outRel(compensationFile),
        source: sourceFile,
        hash: hash(compensationContent),
        mcpTool: null,
        compensates: ir.name,
        dependsOn: [...new Set([...undoWorkflows(ir), ...(ir.failureWorkflow ? [ir.failureWorkflow.name] : [])])].sort(),
      });
    }
    manifestWorkflows.push({
      name: ir.name,
      version: ir.version,
      file: outRel(workflowFile),
      source: sourceFile,
      hash: hash(content),
      mcpTool: tool ? (tool.name as string) : null,
      dependsOn: [...dependsOn].sort(),
      // What the server must provide (CONDUCTOR_SECRET_<NAME> on Conductor OSS) for runs to work.
      ...(secrets.length > 0 && { secrets }),
    });
    for (const schedule of ir.schedules) {
      const json: ConductorJson = {
        name: schedule.name,
        cronExpression: schedule.cron,
        zoneId: schedule.zoneId,
        runCatchupScheduleInstances: schedule.catchUp,
        paused: schedule.paused,
        // The scheduler starts runs with this input as it is: write it with the schema's defaults
        // applied, as a caller validating through baton would send it.
        startWorkflowRequest: { name: ir.name, version: ir.version, input: scheduledInput(ir, schedule.input) },
        ...(schedule.startTime !== undefined && { scheduleStartTime: schedule.startTime }),
        ...(schedule.endTime !== undefined && { scheduleEndTime: schedule.endTime }),
        description: `Starts '${ir.name}' on "${schedule.cron}" (${schedule.zoneId}).`,
      };
      const file = `schedules/${fileName(schedule.name)}.json`;
      files.set(file, stableJson(json));
      schedules.push({ name: schedule.name, workflow: ir.name, file: outRel(file) });
    }
    compiled.push({ ir, definition, ...(compensation && { compensation }), source, ...(tool && { tool }), secrets });
  }

  const taskDefs: Json[] = [];
  for (const [name, { decl, loc }] of [...decls.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const description = decl.description ?? docComment(loc.file, loc.line);
    const email = decl.ownerEmail ?? (decl.preserveSettings ? undefined : config.ownerEmail);
    const json = declTaskDefJson(config.policy, decl, {
      ...(description !== undefined && { description }),
      ...(email !== undefined && { ownerEmail: email }),
    });
    const file = `tasks/${fileName(name)}.json`;
    files.set(file, stableJson(json));
    taskDefs.push({ name, file: outRel(file) });
  }

  files.set('mcp/tools.json', stableJson({ tools }));
  files.set(
    'manifest.json',
    stableJson({ formatVersion: 1, workflows: manifestWorkflows, taskDefs, schedules }),
  );
  return { diagnostics: sortDiagnostics(bag.items), files, workflows: compiled };
}

function scheduledInput(ir: WorkflowIR, input: Json): Json {
  const parsed = ir.input.safeParse(input);
  return parsed.success ? (JSON.parse(JSON.stringify(parsed.data)) as Json) : input;
}

/** Lowering adds helper tasks (joins, result scripts); their names must not clash with steps. */
function checkLoweredRefs(
  definition: ConductorJson,
  ir: WorkflowIR,
  report: (loc: SourceLoc, code: string, message: string, hint?: string, severity?: 'error' | 'warning') => void,
  declared: ReadonlySet<string>,
): void {
  const seen = new Set<string>();
  const visit = (tasks: Json) => {
    if (!Array.isArray(tasks)) return;
    for (const task of tasks) {
      if (task === null || typeof task !== 'object' || Array.isArray(task)) continue;
      const t = task as { [key: string]: Json };
      const ref = t.taskReferenceName;
      // Conductor gives a task without its own definition the one registered under its name, so
      // a WAIT or INLINE named like a worker task would take over that task's timeouts.
      if (t.type !== 'SIMPLE' && t.taskDefinition === undefined && typeof t.name === 'string' && declared.has(t.name)) {
        // An imported definition already runs this way: say so, but build it as it was.
        const severity = ir.preserveSettings ? 'warning' : 'error';
        report(ir.loc, 'name-shadows-task', `${String(t.type)} step '${String(ref)}' is named '${t.name}' like a declared worker task, so Conductor would apply that task's retry and timeout settings to it`, 'give the step another name', severity);
      }
      if (typeof ref === 'string') {
        if (seen.has(ref)) report(ir.loc, 'duplicate-ref', `task reference '${ref}' occurs twice in the compiled workflow '${ir.name}'`, 'a step ref clashes with a helper task baton adds (…_join, …_result, …_item); rename the step');
        seen.add(ref);
      }
      for (const key of ['forkTasks', 'loopOver', 'defaultCase'] as const) {
        const value = t[key];
        if (key === 'forkTasks' && Array.isArray(value)) value.forEach(visit);
        else visit(value ?? null);
      }
      const cases = t.decisionCases;
      if (cases && typeof cases === 'object' && !Array.isArray(cases)) Object.values(cases).forEach(visit);
    }
  };
  visit(definition.tasks ?? null);
}
