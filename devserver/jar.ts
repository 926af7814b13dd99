// Finds (and if needed downloads) the Conductor OSS server boot jar. We go through
// Maven rather than an HTTP download of our own so the machine's Maven settings
// (mirrors, proxies, credentials) apply, and so the ~450 MB jar lands in the
// local repository where it is cached across runs and shared with other tools.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import versionFile from './version.json' with { type: 'json' };

export const CONDUCTOR_GROUP_ID = 'org.conductoross';
export const CONDUCTOR_ARTIFACT_ID = 'conductor-server';
export const CONDUCTOR_CLASSIFIER = 'boot';

/** The pinned server version; devserver/version.json is the single source of truth. */
export const PINNED_CONDUCTOR_VERSION: string = versionFile.conductorVersion;

/** `BATON_CONDUCTOR_VERSION` overrides the pin, e.g. to try a newer server locally. */
export function conductorVersion(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['BATON_CONDUCTOR_VERSION']?.trim();
  return override ? override : PINNED_CONDUCTOR_VERSION;
}

export function conductorArtifact(version: string): string {
  return `${CONDUCTOR_GROUP_ID}:${CONDUCTOR_ARTIFACT_ID}:${version}:jar:${CONDUCTOR_CLASSIFIER}`;
}

function repoLocalFromMavenFlags(flags: string | undefined): string | undefined {
  if (!flags) return undefined;
  const match = /-Dmaven\.repo\.local=("([^"]+)"|(\S+))/.exec(flags);
  return match?.[2] ?? match?.[3];
}

function repoLocalFromSettings(settingsPath: string): string | undefined {
  try {
    const xml = readFileSync(settingsPath, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const value = /<localRepository>\s*([^<]+?)\s*<\/localRepository>/.exec(xml)?.[1];
    return value?.replace(/\$\{user\.home\}/g, homedir());
  } catch {
    return undefined;
  }
}

/**
 * The local Maven repository, resolved the way Maven would for the common cases:
 * `MAVEN_REPO_LOCAL`, `-Dmaven.repo.local` in MAVEN_OPTS/MAVEN_ARGS, `<localRepository>`
 * in ~/.m2/settings.xml, else ~/.m2/repository. We also pass the result to mvn
 * explicitly so the place we look is always the place mvn writes.
 */
export function mavenLocalRepository(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['MAVEN_REPO_LOCAL']?.trim() ||
    repoLocalFromMavenFlags(env['MAVEN_ARGS']) ||
    repoLocalFromMavenFlags(env['MAVEN_OPTS']) ||
    repoLocalFromSettings(join(homedir(), '.m2', 'settings.xml')) ||
    join(homedir(), '.m2', 'repository')
  );
}

export function conductorJarPath(version: string, repository: string = mavenLocalRepository()): string {
  const file = `${CONDUCTOR_ARTIFACT_ID}-${version}-${CONDUCTOR_CLASSIFIER}.jar`;
  return join(repository, ...CONDUCTOR_GROUP_ID.split('.'), CONDUCTOR_ARTIFACT_ID, version, file);
}

function isUsableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && statSync(path).size > 0;
  } catch {
    return false;
  }
}

export interface EnsureJarOptions {
  version?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * The useful part of Maven's failure output: its first few [ERROR] lines (the
 * rest is generic advice), without colour codes; else the last lines.
 */
function mavenFailureSummary(text: string): string {
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const errors = lines.filter((line) => /^\[ERROR\]\s*\S/.test(line)).slice(0, 4);
  return (errors.length > 0 ? errors : lines.filter((line) => line.trim()).slice(-20)).join('\n');
}

async function mavenGet(artifact: string, repository: string, log: (line: string) => void): Promise<void> {
  const args = [
    '-q',
    '-B',
    'dependency:get',
    `-Dartifact=${artifact}`,
    '-Dtransitive=false',
    `-Dmaven.repo.local=${repository}`,
  ];
  log(`Fetching ${artifact} with Maven (about 450 MB the first time; cached in ${repository})...`);
  const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new Error(
            `Cannot fetch the Conductor server jar: Maven ('mvn') is not on PATH.\n` +
              `Install Maven (e.g. the 'maven' package) or set BATON_CONDUCTOR_JAR to a local ` +
              `${CONDUCTOR_ARTIFACT_ID}-<version>-${CONDUCTOR_CLASSIFIER}.jar.`,
          ),
        );
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => resolve({ code, text }));
  });
  if (output.code !== 0) {
    throw new Error(
      `'mvn ${args.join(' ')}' failed (exit ${output.code}). Maven said:\n${mavenFailureSummary(output.text)}\n` +
        `Check that the version exists and that Maven can reach its repository (settings.xml mirrors/proxy), ` +
        `or set BATON_CONDUCTOR_JAR to an already downloaded jar.`,
    );
  }
}

// Parallel callers in one process (e.g. several test files in one worker) share one fetch.
const inFlight = new Map<string, Promise<string>>();

/**
 * Returns the path of the Conductor server boot jar, downloading it through Maven
 * when it is not in the local repository yet. `BATON_CONDUCTOR_JAR` short-circuits
 * everything (useful when the jar comes from somewhere Maven cannot see).
 */
export function ensureConductorJar(options: EnsureJarOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const explicit = env['BATON_CONDUCTOR_JAR']?.trim();
  if (explicit) {
    return isUsableFile(explicit)
      ? Promise.resolve(explicit)
      : Promise.reject(new Error(`BATON_CONDUCTOR_JAR points to '${explicit}', which is not a readable file.`));
  }

  const version = options.version ?? conductorVersion(env);
  const repository = mavenLocalRepository(env);
  const jar = conductorJarPath(version, repository);
  if (isUsableFile(jar)) return Promise.resolve(jar);

  const existing = inFlight.get(jar);
  if (existing) return existing;
  const pending = (async () => {
    await mavenGet(conductorArtifact(version), repository, log);
    if (!existsSync(jar)) {
      throw new Error(`Maven reported success but ${jar} does not exist; is another local repository configured?`);
    }
    return jar;
  })().finally(() => inFlight.delete(jar));
  inFlight.set(jar, pending);
  return pending;
}
