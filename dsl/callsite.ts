/**
 * Remembers where the author called a builder, so diagnostics point at their line. Capturing
 * V8's raw frames is cheap; turning them into a file, line and column (and, through the loader's
 * source map, into the author's `.ts` position) is not, and a build that reports nothing reads
 * almost none of them. So a call site keeps the raw frames and is resolved the first time one of
 * its fields is read.
 */
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLoc } from '../ir/source.js';
import { UNKNOWN_LOC } from '../ir/source.js';
import type { LocationMapper } from './recorder.js';

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

/**
 * Capturing costs in proportion to the frames kept. A builder runs at most a handful of frames
 * below the author's call (Scope method, task type builder, its helper, `begin`): ten leave room.
 */
const CAPTURED_FRAMES = 10;

const asFrames = (_error: Error, frames: CallSite[]): CallSite[] => frames;

/** V8 formats a captured stack on its first read, with the `prepareStackTrace` of that moment. */
function framesOf(holder: { stack?: unknown }): CallSite[] {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = asFrames as typeof Error.prepareStackTrace;
  try {
    return (holder.stack as CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** The first frame outside baton: the author's call. Positions are those of the running code. */
function authorFrame(holder: { stack?: unknown }): SourceLoc {
  for (const frame of framesOf(holder)) {
    const name = frame.getFileName();
    if (!name || name.startsWith('node:') || name.startsWith('internal/')) continue;
    const file = toPath(name);
    if (isOwn(file)) continue;
    return { file, line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0 };
  }
  return UNKNOWN_LOC;
}

/**
 * A location worked out on first read. Its fields are own enumerable getters of a frozen object,
 * so it reads, spreads, compares and serialises like the plain `{ file, line, column }` it
 * stands for, and freezing the IR around it leaves it alone.
 */
export function lazyLoc(resolve: () => SourceLoc): SourceLoc {
  let loc: SourceLoc | undefined;
  const get = () => (loc ??= resolve());
  return Object.freeze({
    get file() {
      return get().file;
    },
    get line() {
      return get().line;
    },
    get column() {
      return get().column;
    },
  });
}

/** `mapLoc(loc)`, worked out only when the result is read. */
export function mapLater(loc: SourceLoc, mapLoc: LocationMapper): SourceLoc {
  return lazyLoc(() => mapLoc(loc));
}

/**
 * The author's call that led here: the first frame outside baton, above the function calling
 * this. `mapLoc` turns the running position into the author's source position.
 */
export function captureCallSite(mapLoc?: LocationMapper): SourceLoc {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURED_FRAMES;
  Error.captureStackTrace(holder, captureCallSite);
  Error.stackTraceLimit = limit;
  return lazyLoc(mapLoc ? () => mapLoc(authorFrame(holder)) : () => authorFrame(holder));
}
