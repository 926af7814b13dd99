/**
 * Remembers where the author called a builder, so diagnostics point at their line. The stack is
 * read as structured call sites (no string formatting, no source-map work here); the loader maps
 * bundle positions back to the original `.ts` file only when the IR is built.
 */
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLoc } from '../ir/source.js';
import { UNKNOWN_LOC } from '../ir/source.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Frames from baton's own code are skipped: from source (dsl/, tasktypes/, ir/) or the bundle. */
const packageRoot = here.endsWith(`${sep}dsl`) ? dirname(here) : here;
const ownDirs = [`${sep}dsl${sep}`, `${sep}tasktypes${sep}`, `${sep}ir${sep}`, `${sep}dist${sep}`].map(
  (d) => packageRoot + d.slice(0, -1) + sep,
);
const ownFiles = new Set<string>();

/** Lets a second copy of the DSL (e.g. a bundle) mark its own file as baton's. */
export function markOwnFile(file: string): void {
  ownFiles.add(file);
}

function isOwn(file: string): boolean {
  if (ownFiles.has(file)) return true;
  if (!file.startsWith(packageRoot)) return false;
  return ownDirs.some((d) => file.startsWith(d));
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
