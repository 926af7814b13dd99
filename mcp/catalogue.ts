/**
 * The tool catalogue: what `generated/` says the MCP server serves. Read from
 * `generated/mcp/tools.json` (tool definitions, input schemas exactly as compiled),
 * `generated/manifest.json` (which workflows exist, their definition files) and the workflow
 * definitions (masked fields, steps, diagrams). Schemas are compiled once per load.
 * A reload that fails keeps the last good catalogue.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { basename, join } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { declaredOutputSchema, withEnvelopeExtras } from './envelope.js';
import type { Logger } from './log.js';
import { workflowToolInputSchema } from './tool-schema.js';
import { type Check, type JsonSchema, lazyCheck } from './validation.js';

export interface WorkflowDefJson {
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly tasks?: readonly Record<string, unknown>[];
  readonly maskedFields?: readonly string[];
  readonly failureWorkflow?: string;
  readonly timeoutSeconds?: number;
  readonly [key: string]: unknown;
}

export interface WorkflowVersion {
  readonly version: number;
  /** The input schema exactly as tools.json has it. */
  readonly inputSchema: JsonSchema;
  /** The workflow's own output schema, when it declares one. */
  readonly outputSchema?: JsonSchema;
  readonly checkOutput?: Check;
  readonly definition?: WorkflowDefJson;
  readonly diagramFile?: string;
}

export interface WorkflowTool {
  readonly name: string;
  readonly workflowName: string;
  /** Newest compiled version: the one a call without `version` runs. */
  readonly latest: number;
  readonly versions: ReadonlyMap<number, WorkflowVersion>;
  /** The definition tools/list serves. */
  readonly tool: Tool;
  /** Checks the whole argument object (control fields, and `input` against the newest version). */
  readonly checkArguments: Check;
  readonly readOnly: boolean;
}

export interface CatalogueSnapshot {
  readonly tools: readonly WorkflowTool[];
  readonly byName: ReadonlyMap<string, WorkflowTool>;
  /** Workflows this server may look at and act on: everything in the manifest. */
  readonly workflowNames: ReadonlySet<string>;
  /** Every compiled definition, by `name@version`. */
  readonly definitions: ReadonlyMap<string, WorkflowDefJson>;
  /** Changes whenever anything served changes. */
  readonly revision: string;
  /** Tools left out, and why (a name taken by a run tool, a broken entry). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface CatalogueOptions {
  readonly maxWaitSeconds: number;
  /** Where schema compile errors are reported (they are found on first use). */
  readonly logger?: Logger;
  /** Names a workflow tool may not take (the run tools). */
  readonly reservedNames?: ReadonlySet<string>;
}

interface ToolsFile {
  tools: {
    name: string;
    title?: string;
    description?: string;
    inputSchema: JsonSchema;
    outputSchema?: JsonSchema;
    annotations?: Tool['annotations'];
    _meta?: Record<string, unknown> & { 'baton/workflow'?: { name: string; version: number } };
  }[];
}

interface ManifestFile {
  workflows?: { name: string; version: number; file: string; mcpTool?: string | null }[];
}

function readJson<T>(file: string, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${what} not found at ${file}: run 'baton build' first`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); run 'baton build' again`);
  }
}

/** Whether a call may leave `input` out: an object schema that requires nothing. */
function acceptsEmpty(schema: JsonSchema): boolean {
  return schema.type === 'object' && (!Array.isArray(schema.required) || schema.required.length === 0);
}

export function loadCatalogue(outDir: string, options: CatalogueOptions): CatalogueSnapshot {
  const toolsFile = join(outDir, 'mcp', 'tools.json');
  const manifestFile = join(outDir, 'manifest.json');
  const toolsText = existsSync(toolsFile) ? readFileSync(toolsFile, 'utf8') : '';
  const manifestText = existsSync(manifestFile) ? readFileSync(manifestFile, 'utf8') : '';
  const tools = readJson<ToolsFile>(toolsFile, 'generated/mcp/tools.json');
  const manifest = readJson<ManifestFile>(manifestFile, 'generated/manifest.json');
  if (!Array.isArray(tools.tools)) throw new Error(`${toolsFile}: expected { "tools": [...] }; run 'baton build' again`);

  const definitions = new Map<string, { definition?: WorkflowDefJson; diagramFile?: string }>();
  for (const entry of manifest.workflows ?? []) {
    const base = basename(entry.file, '.json');
    const file = join(outDir, 'workflows', `${base}.json`);
    const diagram = join(outDir, 'diagrams', `${base}.mmd`);
    definitions.set(`${entry.name}@${entry.version}`, {
      ...(existsSync(file) && { definition: readJson<WorkflowDefJson>(file, `definition of ${entry.name}`) }),
      ...(existsSync(diagram) && { diagramFile: diagram }),
    });
  }

  // Several versions of a workflow share one tool name; group them.
  const grouped = new Map<string, ToolsFile['tools']>();
  for (const tool of tools.tools) {
    const list = grouped.get(tool.name) ?? [];
    list.push(tool);
    grouped.set(tool.name, list);
  }

  const built: WorkflowTool[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const [name, entries] of grouped) {
    if (options.reservedNames?.has(name)) {
      skipped.push({ name, reason: `the name is taken by a baton run tool; rename the workflow or set tool: { expose: false }` });
      continue;
    }
    try {
      built.push(buildTool(name, entries, definitions, options));
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  built.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const revision = createHash('sha256').update(toolsText).update('\0').update(manifestText).digest('hex').slice(0, 16);
  return {
    tools: built,
    byName: new Map(built.map((t) => [t.name, t])),
    workflowNames: new Set((manifest.workflows ?? []).map((w) => w.name)),
    definitions: new Map([...definitions].flatMap(([key, value]) => (value.definition ? [[key, value.definition] as const] : []))),
    revision,
    skipped,
  };
}

function buildTool(
  name: string,
  entries: ToolsFile['tools'],
  definitions: ReadonlyMap<string, { definition?: WorkflowDefJson; diagramFile?: string }>,
  options: CatalogueOptions,
): WorkflowTool {
  const versions = new Map<number, WorkflowVersion>();
  let workflowName = name;
  const versionOf = (entry: ToolsFile['tools'][number]) => entry._meta?.['baton/workflow']?.version ?? 1;
  for (const entry of entries) {
    const meta = entry._meta?.['baton/workflow'];
    const version = versionOf(entry);
    workflowName = meta?.name ?? name;
    if (versions.has(version)) throw new Error(`tools.json lists version ${version} twice`);
    const outputSchema = entry.outputSchema ? declaredOutputSchema(entry.outputSchema) : undefined;
    // Output checks are a courtesy; one that does not compile is skipped.
    const checkOutput = outputSchema ? lazyCheck(outputSchema, 'accept') : undefined;
    const files = definitions.get(`${workflowName}@${version}`) ?? {};
    versions.set(version, {
      version,
      inputSchema: entry.inputSchema,
      ...(outputSchema && { outputSchema }),
      ...(checkOutput && { checkOutput }),
      ...files,
    });
  }
  const latest = Math.max(...versions.keys());
  const newest = entries.find((e) => versionOf(e) === latest)!;
  const sorted = [...versions.keys()].sort((a, b) => a - b);
  const wrapperOf = (version: WorkflowVersion) =>
    workflowToolInputSchema(version.inputSchema, { maxWaitSeconds: options.maxWaitSeconds, versions: sorted, inputOptional: acceptsEmpty(version.inputSchema) });
  // Advertised: the newest version's input. A call naming an older version is checked
  // against that version's own input schema.
  const inputSchema = wrapperOf(versions.get(latest)!);
  const report = (error: unknown) => options.logger?.error('input schema does not compile', { tool: name, error });
  const checks = new Map([...versions.values()].map((v) => [v.version, lazyCheck(v.version === latest ? inputSchema : wrapperOf(v), 'refuse', report)]));
  const checkArguments: Check = (args) => {
    const asked = (args as { version?: unknown } | null)?.version;
    return (typeof asked === 'number' ? checks.get(asked) : undefined)?.(args) ?? checks.get(latest)!(args);
  };
  const tool: Tool = {
    name,
    ...(newest.title !== undefined && { title: newest.title }),
    description: `${newest.description ?? `Runs the Conductor workflow '${workflowName}'.`}\n\nInput goes under "input".`,
    inputSchema: inputSchema as Tool['inputSchema'],
    outputSchema: withEnvelopeExtras(newest.outputSchema ?? {}) as Tool['outputSchema'],
    ...(newest.annotations && { annotations: newest.annotations }),
    ...(newest._meta && { _meta: newest._meta }),
  };
  return {
    name,
    workflowName,
    latest,
    versions,
    tool,
    checkArguments,
    readOnly: newest.annotations?.readOnlyHint === true,
  };
}

/** The live catalogue: the last good snapshot, reloaded when generated/ changes. */
export class Catalogue extends EventEmitter<{ changed: [CatalogueSnapshot]; error: [Error] }> {
  private snapshot: CatalogueSnapshot;
  private watching = false;
  private readonly options: CatalogueOptions;

  constructor(
    readonly outDir: string,
    options: CatalogueOptions,
    private readonly logger: Logger,
  ) {
    super();
    this.options = { ...options, logger };
    this.snapshot = loadCatalogue(outDir, this.options);
    this.report();
  }

  get current(): CatalogueSnapshot {
    return this.snapshot;
  }

  private report(): void {
    for (const s of this.snapshot.skipped) this.logger.warn('workflow tool not served', { tool: s.name, reason: s.reason });
  }

  /** Reads generated/ again; true when what is served changed. A broken read keeps the old one. */
  reload(): boolean {
    let next: CatalogueSnapshot;
    try {
      next = loadCatalogue(this.outDir, this.options);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.logger.error('reload of generated/ failed; still serving the previous tools', { error: err });
      this.emit('error', err);
      return false;
    }
    if (next.revision === this.snapshot.revision) return false;
    this.snapshot = next;
    this.report();
    this.logger.info('tools reloaded', { tools: next.tools.length, revision: next.revision });
    this.emit('changed', next);
    return true;
  }

  /**
   * Polls the two index files. `baton build` swaps the whole directory in one rename, which
   * breaks inotify watches on the old one; polling by path sees through it.
   */
  watch(intervalMs = 1000): void {
    if (this.watching) return;
    this.watching = true;
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      // A build writes both files; wait for it to settle.
      timer = setTimeout(() => this.reload(), 150);
      timer.unref();
    };
    for (const file of this.watchedFiles()) watchFile(file, { interval: intervalMs, persistent: false }, changed);
  }

  close(): void {
    if (!this.watching) return;
    for (const file of this.watchedFiles()) unwatchFile(file);
    this.watching = false;
  }

  private watchedFiles(): string[] {
    return [join(this.outDir, 'mcp', 'tools.json'), join(this.outDir, 'manifest.json')];
  }

  /** Modification time of tools.json, for health reports. */
  loadedFrom(): { file: string; modified?: string } {
    const file = join(this.outDir, 'mcp', 'tools.json');
    return { file, ...(existsSync(file) && { modified: statSync(file).mtime.toISOString() }) };
  }
}
