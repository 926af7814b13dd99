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

function isOwn(file: string): boolean {
  return ownFiles.has(file) || ownDirs.some((d) => file.startsWith(d));
}

type CallSite = {
  getFileName(): string | undefined | null;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
};

function toPath(name: string): string {
  return name.startsWith('file://') ? fileURLToPath(name) : name;
}

function structuredStack(): CallSite[] {
  const previous = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
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

/** The first frame outside baton: the author's call. Positions are those of the running code. */
export function captureCallSite(): SourceLoc {
  for (const frame of structuredStack()) {
    const name = frame.getFileName();
    if (!name || name.startsWith('node:') || name.startsWith('internal/')) continue;
    const file = toPath(name);
    if (isOwn(file)) continue;
    return { file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
  }
  return UNKNOWN_LOC;
}
