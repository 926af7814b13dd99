/**
 * The definitions to register, read either from a fresh compile or from `generated/` (through
 * its manifest, which also says where each workflow came from and what it depends on).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { BuildOutcome } from '../compiler/build.js';
import { type JsonObject, isObject } from './json.js';
import { type SourceLocator, irLocator, textLocator } from './locate.js';

export interface WorkflowEntry {
  readonly name: string;
  readonly version: number;
  readonly definition: JsonObject;
  /** The generated file, relative to the project root. */
  readonly file: string;
  /** The workflow's source file, relative to the project root. */
  readonly source: string;
  /** Names of workflows that must be on the server first (sub-workflows, failure workflows). */
  readonly dependsOn: readonly string[];
  /** Set on generated compensation workflows: the workflow they undo. */
  readonly compensates?: string;
  /** Secrets its steps read, which the server must provide. */
  readonly secrets: readonly string[];
}

export interface TaskDefEntry {
  readonly name: string;
  readonly definition: JsonObject;
  readonly file: string;
}

export interface ScheduleEntry {
  readonly name: string;
  readonly workflow: string;
  readonly definition: JsonObject;
  readonly file: string;
}

export interface DefinitionSet {
  readonly root: string;
  readonly workflows: readonly WorkflowEntry[];
  readonly taskDefs: readonly TaskDefEntry[];
  readonly schedules: readonly ScheduleEntry[];
  readonly locator: SourceLocator;
  /** Where they came from, for messages. */
  readonly origin: 'compile' | 'generated';
}

interface Manifest {
  formatVersion: number;
  workflows: { name: string; version: number; file: string; source: string; dependsOn?: string[]; compensates?: string; secrets?: string[] }[];
  taskDefs: { name: string; file: string }[];
  schedules?: { name: string; workflow: string; file: string }[];
}

function parseManifest(text: string, where: string): Manifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not valid JSON (${(error as Error).message}); run 'baton build' to regenerate it`);
  }
  if (!isObject(manifest) || manifest.formatVersion !== 1 || !Array.isArray(manifest.workflows) || !Array.isArray(manifest.taskDefs)) {
    throw new Error(`${where} is not a baton manifest this version understands (formatVersion 1); run 'baton build' to regenerate it`);
  }
  return manifest as unknown as Manifest;
}

/** Reads the definitions a manifest lists; `read` gets a path relative to the project root. */
function fromManifest(
  root: string,
  manifest: Manifest,
  read: (file: string) => string,
  origin: DefinitionSet['origin'],
  locatorFor: (workflows: readonly WorkflowEntry[]) => SourceLocator,
): DefinitionSet {
  const json = (file: string): JsonObject => {
    const text = read(file);
    try {
      const value = JSON.parse(text) as unknown;
      if (!isObject(value)) throw new Error('not a JSON object');
      return value;
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}; run 'baton build' to regenerate it`);
    }
  };
  const workflows: WorkflowEntry[] = manifest.workflows.map((w) => ({
    name: w.name,
    version: w.version,
    definition: json(w.file),
    file: w.file,
    source: w.source,
    dependsOn: w.dependsOn ?? [],
    ...(w.compensates !== undefined && { compensates: w.compensates }),
    secrets: w.secrets ?? [],
  }));
  return {
    root,
    origin,
    locator: locatorFor(workflows),
    workflows,
    taskDefs: manifest.taskDefs.map((t) => ({ name: t.name, definition: json(t.file), file: t.file })),
    schedules: (manifest.schedules ?? []).map((s) => ({ name: s.name, workflow: s.workflow, definition: json(s.file), file: s.file })),
  };
}

/** The definitions of a successful `buildProject({ dryRun: true })`, straight from memory. */
export function definitionsFromBuild(outcome: BuildOutcome): DefinitionSet {
  const result = outcome.result;
  if (!result) throw new Error('the build produced no definitions');
  const root = outcome.config.root;
  const outDir = outcome.config.outDir;
  const manifestText = result.files.get('manifest.json');
  if (manifestText === undefined) throw new Error('the build produced no manifest.json');
  const manifest = parseManifest(manifestText, 'manifest.json');
  const read = (file: string) => {
    const key = relative(outDir, resolve(root, file)).split('\\').join('/');
    const text = result.files.get(key);
    if (text === undefined) throw new Error(`the manifest lists ${file}, which the build did not produce`);
    return text;
  };
  return fromManifest(root, manifest, read, 'compile', () => irLocator(root, result.workflows));
}

/** The definitions in an already built output folder (`baton register --from-generated`). */
export function definitionsFromGenerated(root: string, outDir: string): DefinitionSet {
  const dir = isAbsolute(outDir) ? outDir : resolve(root, outDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${relative(root, manifestPath) || manifestPath} does not exist; run 'baton build' first, or register without --from-generated to compile now`);
  }
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'), relative(root, manifestPath));
  const read = (file: string) => {
    const path = resolve(root, file);
    if (!existsSync(path)) throw new Error(`the manifest lists ${file}, which does not exist; run 'baton build' to regenerate ${relative(root, dir)}/`);
    return readFileSync(path, 'utf8');
  };
  return fromManifest(root, manifest, read, 'generated', (workflows) => textLocator(root, workflows));
}
