/**
 * The generated files: one module per imported workflow (its inline sub-workflows beside it),
 * the task declarations module and the external workflows module. Documents are printed by
 * doc.ts, then ts-morph (with its bundled TypeScript) adds the imports, formats the text and
 * checks that it parses.
 */
import { IndentationText, Project, QuoteKind } from 'ts-morph';
import { TASK_POLICY_KEYS } from '../ir/policy.js';
import { type Doc, callDoc, concat, objectDoc, printDoc, propertyKey, quote } from './doc.js';
import { type Json, type JsonObject, isObject } from './json.js';
import { policyOptions } from './forms/common.js';
import type { Batch, DeclPlan, ExternalPlan, ModulePlan, WorkflowPlan } from './plan.js';
import { ValueWriter, jsonDoc, workflowBody } from './render.js';

export interface GeneratedFile {
  /** Path relative to the output directory, e.g. `order_flow.ts`. */
  readonly path: string;
  readonly text: string;
}

const PRESERVE_NOTE =
  '// Settings are kept exactly as imported (no baton defaults). Remove preserveSettings to give\n' +
  "// every task the project's retry/timeout policy (baton.config.ts) instead.";

/** Whether compiler/jsdoc.ts reads `/** text *\/` back as exactly `text`. */
function jsdocKeepsIt(text: string): boolean {
  return text !== '' && text === text.trim() && !/[\r\n\u2028\u2029]/.test(text) && !text.startsWith('*') && !text.startsWith('@') && !text.includes('*/');
}

function jsdoc(text: string): string {
  const lines = text.replaceAll('*/', '*\\/').split(/\r?\n/);
  if (lines.length === 1) return `/** ${lines[0]!.trim()} */\n`;
  return `/**\n${lines.map((l) => ` * ${l}`.trimEnd()).join('\n')}\n */\n`;
}

/** A description as JSDoc, plus an explicit option when the JSDoc would not read back the same. */
function describe(text: Json | undefined, jsdocIsRead: boolean): { comment: string; explicit?: string } {
  if (typeof text !== 'string' || text === '') return { comment: '' };
  if (jsdocIsRead && jsdocKeepsIt(text)) return { comment: jsdoc(text) };
  return { comment: jsdoc(text), explicit: text };
}

function entry(key: string, value: Doc): Doc {
  return concat(`${key}: `, value);
}

/** `z.looseObject({ key: z.any(), … })`: the keys a workflow or task is known to use, any others allowed. */
function keysSchema(keys: Iterable<string>, field: (key: string) => string): Doc {
  const entries = [...keys].map((key) => `${propertyKey(key)}: ${field(key)}`);
  return entries.length === 0 ? 'z.looseObject({})' : callDoc('z.looseObject', [objectDoc(entries)]);
}

/** `fields: { … }`, with a word on why registered key lists differ from the schemas. */
function fieldsEntry(fields: JsonObject, keyList: 'inputParameters' | 'inputKeys', why: string): Doc {
  const lists = keyList === 'inputParameters' ? ['inputParameters'] : ['inputKeys', 'outputKeys'];
  const listed = lists.filter((k) => k in fields);
  if (listed.length === 0) return entry('fields', jsonDoc(fields));
  return concat(`// ${listed.join(' and ')} as registered; ${why}.\n`, entry('fields', jsonDoc(fields)));
}

function stringList(value: Json | undefined): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** The options of `workflow(…)`: schemas, settings, and `fields` for what has no option. */
function workflowOptions(plan: WorkflowPlan, writer: ValueWriter, explicitDescription: string | undefined): Doc {
  const def = plan.def;
  const entries: Doc[] = [entry('version', String(plan.version))];
  if (explicitDescription !== undefined) entries.push(entry('description', quote(explicitDescription)));
  const fields: JsonObject = {};
  const handled = new Set(['name', 'description', 'version', 'tasks', 'outputParameters', 'inputParameters', 'inputTemplate', 'variables']);

  // Input: every key the definition lists, has a default for, or reads.
  const declared = stringList(def.inputParameters) ?? [];
  const template = isObject(def.inputTemplate ?? null) ? (def.inputTemplate as JsonObject) : {};
  const inputKeys = [...new Set([...declared, ...Object.keys(template), ...plan.inputKeys])];
  entries.push(entry('input', keysSchema(inputKeys, (k) => (Object.hasOwn(template, k) ? `z.any().default(${printDoc(jsonDoc(template[k]!))})` : 'z.any().optional()'))));
  if (def.inputParameters !== undefined && stringList(def.inputParameters) === undefined) fields.inputParameters = def.inputParameters;
  else if (inputKeys.length !== declared.length || inputKeys.some((k, i) => k !== declared[i])) fields.inputParameters = declared;
  if (def.inputTemplate !== undefined && !isObject(def.inputTemplate)) fields.inputTemplate = def.inputTemplate;

  const outputs = isObject(def.outputParameters ?? null) ? Object.keys(def.outputParameters as JsonObject) : [];
  const outputKeys = [...new Set([...outputs, ...plan.outputReads])];
  entries.push(entry('output', keysSchema(outputKeys, (k) => (outputs.includes(k) ? 'z.any()' : 'z.any().optional()'))));

  const initial = isObject(def.variables ?? null) ? (def.variables as JsonObject) : {};
  const variableKeys = new Set([...Object.keys(initial), ...plan.variableKeys]);
  for (const step of allSteps(plan)) {
    if (step.task.type === 'SET_VARIABLE' && isObject(step.task.inputParameters ?? null)) for (const k of Object.keys(step.task.inputParameters as JsonObject)) variableKeys.add(k);
  }
  if (variableKeys.size > 0) entries.push(entry('variables', keysSchema(variableKeys, () => 'z.any().optional()')));
  if (Object.keys(initial).length > 0) entries.push(entry('initialVariables', jsonDoc(initial)));
  if (def.variables !== undefined && !isObject(def.variables)) fields.variables = def.variables;

  entries.push(`${PRESERVE_NOTE}\npreserveSettings: true`);
  for (const [key, value] of Object.entries(def)) {
    if (handled.has(key)) continue;
    switch (key) {
      case 'timeoutSeconds':
        if (Number.isInteger(value) && (value as number) >= 0) entries.push(entry(key, String(value)));
        else fields[key] = value;
        continue;
      case 'timeoutPolicy':
        if (value === 'TIME_OUT_WF' || value === 'ALERT_ONLY') entries.push(entry(key, quote(value)));
        else fields[key] = value;
        continue;
      case 'ownerEmail':
        if (typeof value === 'string' && value !== '') entries.push(entry(key, quote(value)));
        else fields[key] = value;
        continue;
      case 'failureWorkflow': {
        const version = def.failureWorkflowVersion;
        if (typeof value !== 'string') fields[key] = value;
        else if (version === undefined) entries.push(entry(key, quote(value)));
        else if (Number.isInteger(version)) entries.push(entry(key, objectDoc([entry('name', quote(value)), entry('version', String(version))])));
        else fields[key] = value;
        continue;
      }
      case 'failureWorkflowVersion':
        if (typeof def.failureWorkflow !== 'string' || !Number.isInteger(value)) fields[key] = value;
        continue;
      case 'restartable':
        if (value === false) entries.push(entry(key, 'false'));
        else fields[key] = value;
        continue;
      case 'workflowStatusListenerEnabled':
      case 'workflowStatusListenerSink':
        continue;
      case 'rateLimitConfig': {
        const ok = isObject(value) && Object.keys(value).length === 2 && typeof value.rateLimitKey === 'string' && Number.isInteger(value.concurrentExecLimit) && (value.concurrentExecLimit as number) >= 1;
        if (ok) {
          const key = writer.detached((value as JsonObject).rateLimitKey as string, 'string');
          entries.push(entry('rateLimit', objectDoc([entry('key', key), entry('concurrentExecLimit', String((value as JsonObject).concurrentExecLimit))])));
        } else {
          fields[key] = value;
        }
        continue;
      }
      case 'maskedFields':
        if (stringList(value)) entries.push(entry(key, jsonDoc(value)));
        else fields[key] = value;
        continue;
      case 'metadata':
        if (isObject(value)) entries.push(entry(key, jsonDoc(value)));
        else fields[key] = value;
        continue;
      default:
        fields[key] = value;
    }
  }
  const listener = def.workflowStatusListenerEnabled;
  const sink = def.workflowStatusListenerSink;
  if ((listener === undefined || typeof listener === 'boolean') && (sink === undefined || typeof sink === 'string')) {
    if (listener !== undefined || sink !== undefined) {
      const parts = [entry('enabled', String(listener === true))];
      if (sink !== undefined) parts.push(entry('sink', quote(sink)));
      entries.push(entry('statusListener', objectDoc(parts)));
    }
  } else {
    if (listener !== undefined) fields.workflowStatusListenerEnabled = listener;
    if (sink !== undefined) fields.workflowStatusListenerSink = sink;
  }
  if (Object.keys(fields).length > 0) entries.push(fieldsEntry(fields, 'inputParameters', 'the input schema also lists the inputs this workflow reads'));
  return objectDoc(entries);
}

function* allSteps(plan: WorkflowPlan) {
  const walk = function* (steps: WorkflowPlan['steps']): Generator<WorkflowPlan['steps'][number]> {
    for (const step of steps) {
      yield step;
      for (const block of step.blocks) yield* walk(block);
    }
  };
  yield* walk(plan.steps);
}

/** The `workflow(…)` statement of one plan (exported by default, or a const for an inline one). */
function workflowStatement(plan: WorkflowPlan, decls: ReadonlyMap<string, string>): string {
  const writer = new ValueWriter(plan, decls);
  const body = workflowBody(writer);
  const { comment, explicit } = describe(plan.def.description, !plan.inline);
  const call = callDoc('workflow', [quote(plan.name), workflowOptions(plan, writer, explicit), body]);
  // A workflow its own module calls (START_WORKFLOW of itself, say) is named, then exported.
  const named = plan.inline || plan.module.selfReferenced;
  const head = named ? `const ${plan.varName} = ` : 'export default ';
  const tail = named && !plan.inline ? `\nexport default ${plan.varName};\n` : '';
  return `${comment}${printDoc(concat(head, call, ';'))}\n${tail}`;
}

/** Renders every workflow once so references can tell the plan what they need. */
export function learn(batch: Batch): void {
  const decls = declNames(batch);
  for (const module of batch.modules) for (const plan of [...module.inlines, module.main!]) workflowStatement(plan, decls);
}

function declNames(batch: Batch): Map<string, string> {
  return new Map([...batch.decls.values()].map((d) => [d.name, d.varName]));
}

let formatted = 0;
const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
});

/** Formats a module with ts-morph and makes sure it parses. */
interface ImportSpec {
  readonly names?: readonly string[];
  readonly defaultName?: string;
  readonly from: string;
}

function importLine(spec: ImportSpec): string {
  const named = spec.names !== undefined && spec.names.length > 0 ? `{ ${spec.names.join(', ')} }` : undefined;
  const what = [spec.defaultName, named].filter((p) => p !== undefined).join(', ');
  return `import ${what} from ${quote(spec.from)};`;
}

function finish(path: string, header: string, imports: readonly ImportSpec[], body: string): GeneratedFile {
  // The whole text first, then one formatting pass: editing a tree before formatting it can
  // leave ts-morph's edits misplaced.
  // A fresh name each time: the language service caches files by name, and formatting a reused
  // name with a stale version misplaces the edits.
  const file = project.createSourceFile(`/f${++formatted}/${path}`, `${imports.map(importLine).join('\n')}\n\n${body}`);
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true, insertSpaceAfterOpeningAndBeforeClosingEmptyBraces: false });
  const problems = project.getProgram().getSyntacticDiagnostics(file);
  const text = `${header}${file.getFullText()}`;
  const lines = file.getFullText().split('\n');
  project.removeSourceFile(file);
  if (problems.length > 0) {
    const where = problems.map((p) => `line ${p.getLineNumber() ?? '?'}: ${String(p.getMessageText())} in ${JSON.stringify(lines[(p.getLineNumber() ?? 1) - 1] ?? '')}`);
    throw new Error(`internal: the generated ${path} does not parse: ${where.join('; ')}`);
  }
  return { path, text };
}

/** Names from 'baton' that the module's text uses. */
function batonImports(text: string, always: readonly string[]): string[] {
  const used = new Set(always);
  for (const name of ['raw', 'str', 'js', 'secret', 'z']) if (new RegExp(`\\b${name}[(\`<.]`).test(text)) used.add(name);
  return [...used].sort();
}

function header(lines: readonly string[]): string {
  return `${lines.map((l) => `// ${l}`).join('\n')}\n\n`;
}

function sourceNote(plan: WorkflowPlan): string {
  return plan.source.startsWith('server:') ? 'the Conductor server' : plan.source;
}

export function workflowModule(module: ModulePlan, batch: Batch): GeneratedFile {
  const main = module.main!;
  const decls = declNames(batch);
  const statements = [...module.inlines].reverse().map((p) => workflowStatement(p, decls));
  statements.push(workflowStatement(main, decls));
  const body = statements.join('\n');
  const imports: ImportSpec[] = [{ names: batonImports(body, ['workflow']), from: 'baton' }];
  for (const [from, names] of [...module.imports.entries()].sort(([a], [b]) => a.localeCompare(b))) imports.push({ names: [...names].sort(), from });
  for (const [from, name] of [...module.defaultImports.entries()].sort(([a], [b]) => a.localeCompare(b))) imports.push({ defaultName: name, from });
  const top = header([
    `Workflow '${main.name}' version ${main.version}, imported by \`baton import\` from ${sourceNote(main)}.`,
    '`baton build` compiles this module back to that definition; edit it like any other workflow.',
  ]);
  return finish(`${module.file}.ts`, top, imports, body);
}

function declOptions(decl: DeclPlan): { entries: Doc[]; description?: Json } {
  const def = decl.taskDef;
  const input = keysSchema(decl.inputKeys, () => 'z.any().optional()');
  const output = keysSchema(decl.outputKeys, () => 'z.any()');
  const entries: Doc[] = [entry('input', input), entry('output', output)];
  if (!def) return { entries };
  entries.push(
    "// The registered settings, kept exactly. Remove preserveSettings to give this task the\n// project's retry/timeout policy (baton.config.ts) instead.\npreserveSettings: true",
  );
  const fields: JsonObject = {};
  const policy: JsonObject = {};
  if (decl.verbatim) {
    for (const [key, value] of Object.entries(def)) if (key !== 'name') fields[key] = value;
    entries.push(entry('fields', jsonDoc(fields)));
    return { entries };
  }
  for (const [key, value] of Object.entries(def)) {
    if (key === 'name' || key === 'description') continue;
    if ((TASK_POLICY_KEYS as readonly string[]).includes(key)) policy[key] = value;
    else if (key === 'ownerEmail' && typeof value === 'string' && value !== '') entries.push(entry(key, quote(value)));
    else if (key !== 'inputKeys' && key !== 'outputKeys') fields[key] = value;
  }
  // Settings baton accepts as options; anything odd is written as given.
  const accepted = Object.keys(policy).length > 0 ? policyOptions({ name: decl.name, ...policy }, decl.name) : [];
  if (accepted) for (const [key, value] of accepted) entries.push(entry(key, jsonDoc(value)));
  else Object.assign(fields, policy);
  for (const key of ['inputKeys', 'outputKeys'] as const) {
    const registered = stringList(def[key]) ?? [];
    const schemaKeys = [...(key === 'inputKeys' ? decl.inputKeys : decl.outputKeys)];
    if (def[key] !== undefined && stringList(def[key]) === undefined) fields[key] = def[key]!;
    else if (schemaKeys.length !== registered.length || schemaKeys.some((k, i) => k !== registered[i])) fields[key] = registered;
  }
  if (def.description !== undefined && typeof def.description !== 'string') fields.description = def.description;
  if (Object.keys(fields).length > 0) entries.push(fieldsEntry(fields, 'inputKeys', 'the schemas also list the fields the workflows pass and read'));
  return { entries, description: def.description };
}

export function tasksModule(batch: Batch): GeneratedFile | undefined {
  const decls = [...batch.decls.values()].filter((d) => d.used).sort((a, b) => a.name.localeCompare(b.name));
  if (decls.length === 0) return undefined;
  const statements = decls.map((decl) => {
    const { entries, description } = declOptions(decl);
    const { comment, explicit } = describe(description, true);
    if (explicit !== undefined) entries.splice(2, 0, entry('description', quote(explicit)));
    const note = decl.taskDef
      ? ''
      : "// No task definition was imported for this task: baton registers it with the project's\n// retry/timeout policy. `baton import --from-server` keeps the server's settings instead.\n";
    return `${note}${comment}${printDoc(concat(`export const ${decl.varName} = `, callDoc('task', [quote(decl.name), objectDoc(entries)]), ';'))}\n`;
  });
  const body = statements.join('\n');
  const top = header(['Worker task declarations of the imported workflows, written by `baton import`.', 'Workers implement these; the schemas list the fields the workflows pass and read.']);
  return finish(`${batch.tasksModule}.ts`, top, [{ names: batonImports(body, ['task']), from: 'baton' }], body);
}

export function externalModule(batch: Batch): GeneratedFile | undefined {
  const externals = [...batch.externals.values()].sort((a, b) => a.varName.localeCompare(b.varName));
  if (externals.length === 0) return undefined;
  const statement = (e: ExternalPlan) => {
    const options = objectDoc([entry('version', String(e.version)), entry('input', 'z.looseObject({})'), entry('output', 'z.any()')]);
    return `${printDoc(concat(`export const ${e.varName} = `, callDoc('externalWorkflow', [quote(e.name), options]), ';'))}\n`;
  };
  const body = externals.map(statement).join('\n');
  const top = header([
    'Workflows the imported ones call (or start on failure) that are registered on the server but were',
    'not imported. Import them too, or give them real schemas here.',
  ]);
  return finish(`${batch.externalModule}.ts`, top, [{ names: batonImports(body, ['externalWorkflow']), from: 'baton' }], body);
}
