// Locates a Java runtime able to run the Conductor server. The 3.32 boot jar is
// compiled for Java 21, while many machines (ours included) still default to 17,
// so the `java` on PATH is the last place we look, not the first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_JAVA_MAJOR = 21;

const JVM_ROOT = '/usr/lib/jvm';

export type JavaSource = 'JAVA_HOME' | typeof JVM_ROOT | 'PATH';

export interface JavaRuntime {
  /** Absolute path of the `java` launcher (or `java` when taken from PATH). */
  javaPath: string;
  /** Version string as printed by `java -version`, e.g. "25.0.3". */
  version: string;
  major: number;
  source: JavaSource;
}

interface Candidate {
  javaPath: string;
  source: JavaSource;
}

interface Probe extends Candidate {
  version?: string;
  major?: number;
  problem?: string;
}

/**
 * Reads the major version from `java -version` output. Handles both the modern
 * scheme ("21.0.2", "25") and the legacy one ("1.8.0_402" means 8).
 */
export function parseJavaMajor(versionOutput: string): { version: string; major: number } | undefined {
  const match = /version "([^"]+)"/.exec(versionOutput);
  const version = match?.[1];
  if (version === undefined) return undefined;
  const parts = version.split(/[._+-]/);
  const first = Number(parts[0]);
  const major = first === 1 ? Number(parts[1]) : first;
  return Number.isFinite(major) ? { version, major } : undefined;
}

function probe(candidate: Candidate): Probe {
  const result = spawnSync(candidate.javaPath, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) return { ...candidate, problem: result.error.message };
  // `java -version` writes to stderr; some wrappers use stdout.
  const parsed = parseJavaMajor(`${result.stderr}\n${result.stdout}`);
  if (!parsed) return { ...candidate, problem: `unrecognised output: ${result.stderr.trim().split('\n')[0] ?? ''}` };
  return { ...candidate, ...parsed };
}

function javaHomeCandidates(env: NodeJS.ProcessEnv): Candidate[] {
  const home = env['JAVA_HOME'];
  return home ? [{ javaPath: join(home, 'bin', 'java'), source: 'JAVA_HOME' }] : [];
}

function jvmDirCandidates(root: string): Candidate[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  // Debian ships several symlinked aliases for one JDK; probe each real JDK once.
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const entry of entries.sort()) {
    const javaPath = join(root, entry, 'bin', 'java');
    if (!existsSync(javaPath)) continue;
    const real = realpathSync(javaPath);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ javaPath, source: JVM_ROOT });
  }
  return out;
}

function describe(probes: Probe[]): string {
  if (probes.length === 0) return '  (no Java installation found at all)';
  return probes
    .map((p) => `  - ${p.javaPath} [${p.source}]: ${p.problem ?? `Java ${p.version} (major ${p.major})`}`)
    .join('\n');
}

function toRuntime(p: Probe): JavaRuntime {
  return { javaPath: p.javaPath, version: p.version ?? '', major: p.major ?? 0, source: p.source };
}

export interface FindJavaOptions {
  minMajor?: number;
  env?: NodeJS.ProcessEnv;
  /** Where distribution JDKs live; overridable for tests. */
  jvmRoot?: string;
}

/**
 * Finds a Java >= 21 runtime: `$JAVA_HOME` first (an explicit choice wins when it
 * is good enough), then the newest suitable JDK under /usr/lib/jvm, then `java`
 * on PATH. Throws with every candidate and its version when none qualifies.
 */
export function findJava(options: FindJavaOptions = {}): JavaRuntime {
  const minMajor = options.minMajor ?? MIN_JAVA_MAJOR;
  const env = options.env ?? process.env;
  const probes: Probe[] = [];
  const suitable = (p: Probe): boolean => p.major !== undefined && p.major >= minMajor;

  for (const candidate of javaHomeCandidates(env)) {
    const p = probe(candidate);
    probes.push(p);
    if (suitable(p)) return toRuntime(p);
  }

  const fromJvmDir = jvmDirCandidates(options.jvmRoot ?? JVM_ROOT).map(probe);
  probes.push(...fromJvmDir);
  const newest = fromJvmDir.filter(suitable).sort((a, b) => (b.major ?? 0) - (a.major ?? 0))[0];
  if (newest) return toRuntime(newest);

  const onPath = probe({ javaPath: 'java', source: 'PATH' });
  if (!onPath.problem?.includes('ENOENT')) probes.push(onPath);
  if (suitable(onPath)) return toRuntime(onPath);

  throw new Error(
    `The Conductor server needs Java ${minMajor} or newer, but none was found.\n` +
      `Looked at:\n${describe(probes)}\n` +
      `Install a JDK ${minMajor}+ (for example the Temurin 21 or 25 package, or openjdk-21-jdk-headless) ` +
      `and/or set JAVA_HOME to its directory (the one containing bin/java).`,
  );
}
