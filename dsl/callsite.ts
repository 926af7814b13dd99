/**
 * Remembers where the author called a builder, so diagnostics point at their line.
 *
 * Reading the stack at every builder call is what a build would spend most of its time on
 * (V8 walks and keeps the frames, and optimised frames are costly to walk), and a build that
 * reports nothing reads almost no location. So the calls a workflow body makes are only
 * numbered while it runs; the first time one of their locations is read, the body runs once
 * more with the stack read at every call, and the n-th call of that run is where the n-th call
 * was made. Bodies only record steps (nothing else may depend on when they run), so both runs
 * make the same calls; each call also notes a tag (the builder's default name, say), and when the
 * tags of the two runs differ the workflow's own location stands in.
 *
 * Calls outside a body (`task()` and `workflow()` at a module's top level) keep V8's raw frames
 * and resolve them on first read. Either way a location is worked out on demand and looks like
 * plain data to every reader.
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

/** A builder runs a handful of frames below the author's call; this leaves ample room. */
const CAPTURED_FRAMES = 30;

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

/** Works out the location numbered `at` (what the number means is the resolver's business). */
type Resolver = (at: number) => SourceLoc;

let fields: PropertyDescriptorMap;

/**
 * A location worked out on first read. Its fields are own enumerable getters of a frozen object,
 * so it reads, spreads, compares and serialises like the plain `{ file, line, column }` it
 * stands for, and freezing the IR around it leaves it alone. A build makes one per builder
 * call, so it is kept small: the getters are shared and the state is private.
 */
class DeferredLoc implements SourceLoc {
  declare readonly file: string;
  declare readonly line: number;
  declare readonly column: number;
  #resolve: Resolver | undefined;
  #at: number;
  #loc: SourceLoc | undefined;

  constructor(resolve: Resolver, at: number) {
    this.#resolve = resolve;
    this.#at = at;
    Object.defineProperties(this, fields);
    Object.freeze(this);
  }

  #resolved(): SourceLoc {
    if (this.#loc === undefined) {
      this.#loc = this.#resolve!(this.#at);
      this.#resolve = undefined;
    }
    return this.#loc;
  }

  static {
    fields = {
      file: { enumerable: true, get: function (this: DeferredLoc) { return this.#resolved().file; } },
      line: { enumerable: true, get: function (this: DeferredLoc) { return this.#resolved().line; } },
      column: { enumerable: true, get: function (this: DeferredLoc) { return this.#resolved().column; } },
    };
  }
}

/** A location worked out by `resolve` the first time one of its fields is read. */
export function lazyLoc(resolve: () => SourceLoc): SourceLoc {
  return new DeferredLoc(resolve, 0);
}

/** `mapLoc(loc)`, worked out only when the result is read. */
export function mapLater(loc: SourceLoc, mapLoc: LocationMapper): SourceLoc {
  return lazyLoc(() => mapLoc(loc));
}

/** The calls of one run of a workflow body, by number. */
interface BodyRun {
  readonly tags: string[];
  /** Maps the running position of each call to the author's source position. */
  readonly mapLocs: (LocationMapper | undefined)[];
  /** The location of call `n`, once the replay has run. */
  readonly locate: Resolver;
  /** Runs the same body again (into a scratch scope). */
  readonly replay: () => void;
  /** Where the workflow was declared: stands in when the replay made other calls. */
  readonly fallback: SourceLoc;
  /** Positions found by the replay, by number; null when it made other calls (or still runs). */
  found?: readonly SourceLoc[] | null;
}

/** A replay in progress: the stack is read at every call. */
interface Replay {
  readonly tags: string[];
  readonly locs: SourceLoc[];
}

let running: BodyRun | undefined;
let replaying: Replay | undefined;

/**
 * Runs a workflow body, numbering the calls it makes. `replay` must run the same body again;
 * it is called at most once, when a location of this run is first read.
 */
export function numberCallSites<T>(run: () => T, replay: () => void, fallback: SourceLoc): T {
  const outer = running;
  const outerReplay = replaying;
  // A body built while another is replayed (an inlined sub-workflow) is replayed too: its calls
  // are read on the spot, apart from the enclosing body's.
  if (replaying) replaying = { tags: [], locs: [] };
  else {
    const body: BodyRun = { tags: [], mapLocs: [], replay, fallback, locate: (n) => numbered(body, n) };
    running = body;
  }
  try {
    return run();
  } finally {
    running = outer;
    replaying = outerReplay;
  }
}

function replayed(run: BodyRun): readonly SourceLoc[] | null {
  const outer = running;
  const outerReplay = replaying;
  const replay: Replay = { tags: [], locs: [] };
  running = undefined;
  replaying = replay;
  try {
    run.replay();
  } catch {
    // The first run threw at the same call, after the same calls.
  } finally {
    running = outer;
    replaying = outerReplay;
  }
  // A location may be read while its body still runs: the calls made so far must agree.
  const same = replay.tags.length >= run.tags.length && run.tags.every((tag, i) => tag === replay.tags[i]);
  return same ? replay.locs : null;
}

function numbered(run: BodyRun, n: number): SourceLoc {
  if (run.found === undefined) {
    // Marked first, so that a location of this run read during its own replay cannot start another.
    run.found = null;
    run.found = replayed(run);
  }
  const raw = run.found?.[n];
  if (raw === undefined) return run.fallback;
  const mapLoc = run.mapLocs[n];
  return mapLoc ? mapLoc(raw) : raw;
}

function captureFrames(): { stack?: unknown } {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CAPTURED_FRAMES;
  Error.captureStackTrace(holder, captureCallSite);
  Error.stackTraceLimit = limit;
  return holder;
}

/**
 * The author's call that led here: the first frame outside baton, above the function calling
 * this. `mapLoc` turns the running position into the author's source position; `tag` names the
 * call, so that a replay making other calls is noticed.
 */
export function captureCallSite(mapLoc?: LocationMapper, tag = ''): SourceLoc {
  if (running) {
    const n = running.tags.push(tag) - 1;
    running.mapLocs.push(mapLoc);
    return new DeferredLoc(running.locate, n);
  }
  const holder = captureFrames();
  if (replaying) {
    const raw = authorFrame(holder);
    replaying.tags.push(tag);
    replaying.locs.push(raw);
    return mapLoc ? mapLater(raw, mapLoc) : raw;
  }
  return lazyLoc(mapLoc ? () => mapLoc(authorFrame(holder)) : () => authorFrame(holder));
}
