/**
 * Remembers where the author called a builder, so diagnostics point at their line. The stack is
 * read as structured call sites (no string formatting, no source-map work here); the loader maps
 * bundle positions back to the original `.ts` file only when the IR is built.
 */
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLoc } from '../ir/source.js';
import { UNKNOWN_LOC } from '../ir/source.js';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Frames from baton's own code are skipped. Run from source, that is dsl/, tasktypes/, ir/ and
 * compiler/; run from the published bundle, everything beside the bundle file.
 */
const fromSource = basename(here) === 'dsl';
const bundleDir = basename(here) === 'chunks' ? dirname(here) : here;
const ownDirs = fromSource ? ['dsl', 'tasktypes', 'ir', 'compiler'].map((d) => join(dirname(here), d) + sep) : [bundleDir + sep];
const ownFiles = new Set<string>();

/** Lets a second copy of the DSL (e.g. a bundle) mark its own file as baton's. */
export function markOwnFile(file: string): void {
  ownFiles.add(file);
}

/** True for files of baton itself, whose frames are never the author's. */
export function isOwn(file: string): boolean {
  return ownFiles.has(file) || ownDirs.some((d) => file.startsWith(d));
}

type CallSite = {
  getFileName(): string | undefined | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
};

const paths = new Map<string, string>();

/** Frames name the same few files over and over (a whole bundle is one): convert each once. */
function toPath(name: string): string {
  let path = paths.get(name);
  if (path === undefined) {
    path = name.startsWith('file://') ? fileURLToPath(name) : name;
    paths.set(name, path);
  }
  return path;
}

function structuredStack(limit: number): CallSite[] {
  const previous = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  Error.prepareStackTrace = (_error, frames) => frames;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, structuredStack);
    return (holder.stack as CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = previousLimit;
  }
}

function authorFrame(limit: number): SourceLoc | undefined {
  for (const frame of structuredStack(limit)) {
    const name = frame.getFileName();
    if (!name || name.startsWith('node:') || name.startsWith('internal/')) continue;
    const file = toPath(name);
    if (isOwn(file)) continue;
    return { file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
  }
  return undefined;
}

/**
 * Capturing a stack costs in proportion to its depth, and a builder is called a few frames below
 * the author's line: look that far first, and deeper only when the author is not found there.
 */
const NEAR_FRAMES = 8;
const FAR_FRAMES = 30;

/** The first frame outside baton: the author's call. Positions are those of the running code. */
export function captureCallSite(): SourceLoc {
  return authorFrame(NEAR_FRAMES) ?? authorFrame(FAR_FRAMES) ?? UNKNOWN_LOC;
}
