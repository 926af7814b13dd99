// Starts and stops a real, local Conductor OSS server (SQLite-backed, loopback
// only, throw-away data folder) for `baton dev-server` and end-to-end tests.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeServerUrl, probeHealth, waitForHealthy } from './health.js';
import { conductorVersion, ensureConductorJar } from './jar.js';
import { findJava } from './jdk.js';
import { readTail } from './logtail.js';
import { findFreePort, isPortOpen, LOOPBACK } from './port.js';
import { type ExitInfo, type JvmProcess, onParentExit, spawnJvm } from './process.js';
import { serverProperties, type SpringProperties, writePropertiesFile } from './properties.js';
import { detectSwaggerUrl, detectUiUrl } from './ui.js';

export interface StartConductorOptions {
  /** Fixed port; default: a free loopback port chosen by the kernel. */
  port?: number;
  /** Data folder to use (kept afterwards); default: a fresh temp folder removed by stop(). */
  dataDir?: string;
  /** Keep the temp data folder (database + log) after stop(). Env BATON_DEVSERVER_KEEP=1 does the same. */
  keepDataDir?: boolean;
  /** Receives our progress messages (not the server's log, which goes to `logFile`). */
  log?: (line: string) => void;
  /** How long to wait for the server to become healthy. Default 300 s. */
  startupTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 20 s. */
  stopGraceMs?: number;
  /** Extra or overriding Spring properties. */
  properties?: SpringProperties;
  /** Extra JVM flags, appended after ours (env BATON_CONDUCTOR_JAVA_OPTS is appended too). */
  jvmArgs?: string[];
}

export interface RunningConductor {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** REST API root: url + '/api' */
  apiUrl: string;
  /** Conductor UI, only when the server ships it (the Maven boot jar does not). */
  uiUrl?: string;
  /** Swagger UI for the REST API. */
  swaggerUrl?: string;
  /** JVM process id; 0 for a reused external server. */
  pid: number;
  /** Data folder ('' for a reused external server). */
  dataDir: string;
  /** Server log file ('' for a reused external server). */
  logFile: string;
  /** True when this is an already running server we merely connected to. */
  reused: boolean;
  /** Milliseconds from spawning the JVM until healthy (0 when reused). */
  startupMs: number;
  /** Resolves if the JVM exits, for any reason (absent for reused servers). */
  exited?: Promise<ExitInfo>;
  /** Stops the server and removes its temp data folder; a no-op for reused servers. */
  stop(): Promise<void>;
}

// Boot is ~20-30 s on an idle 2-core machine but we measured 100-200 s when
// several JVMs, tsc and esbuild compete for those cores; a JVM that dies is
// detected at once anyway, so a generous limit only matters for real hangs.
const DEFAULT_STARTUP_TIMEOUT_MS = 300_000;
const DEFAULT_STOP_GRACE_MS = 20_000;
// The kernel-chosen port is free when we pick it but may be taken before the JVM
// binds it; a couple of retries make that race irrelevant in practice.
const PORT_ATTEMPTS = 3;

function jvmArgs(dataDir: string, jar: string, propertiesFile: string, extra: string[]): string[] {
  const fromEnv = (process.env['BATON_CONDUCTOR_JAVA_OPTS'] ?? '').split(/\s+/).filter(Boolean);
  return [
    // Tests run on 2-core machines next to other JVMs: keep the footprint modest.
    '-Xms64m',
    '-Xmx1g',
    // Serial GC: fewer threads and less memory than G1, and pauses don't matter here.
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    // Conductor puts payload and upload scratch folders under java.io.tmpdir and
    // never removes them; keep them inside our data folder instead.
    `-Djava.io.tmpdir=${join(dataDir, 'tmp')}`,
    ...fromEnv,
    ...extra,
    '-jar',
    jar,
    `--spring.config.additional-location=file:${propertiesFile}`,
  ];
}

function looksLikePortConflict(logTail: string): boolean {
  return /already in use|Address already in use|BindException/i.test(logTail);
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

interface Attempt {
  jvm: JvmProcess;
  port: number;
  startupMs: number;
}

interface BootInput {
  javaPath: string;
  jar: string;
  port: number;
  dataDir: string;
  logFile: string;
  /** Folder the watchdog may delete if we die without cleaning up ('' = none). */
  disposableDir: string;
}

async function bootOnce(
  { javaPath, jar, port, dataDir, logFile, disposableDir }: BootInput,
  options: StartConductorOptions,
): Promise<Attempt> {
  const properties = { ...serverProperties({ port, dataDir }), ...options.properties };
  const propertiesFile = writePropertiesFile(dataDir, properties);
  const startedAt = Date.now();
  const jvm = spawnJvm({
    javaPath,
    args: jvmArgs(dataDir, jar, propertiesFile, options.jvmArgs ?? []),
    cwd: dataDir,
    logFile,
    watchdogGraceSeconds: Math.ceil((options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS) / 1000),
    removeWhenOrphaned: disposableDir,
  });

  // Stop polling as soon as the JVM dies instead of waiting for the timeout.
  const died = new AbortController();
  void jvm.exited.then(
    (info) => died.abort(new Error(`the server exited during startup (code ${info.code}, signal ${info.signal})`)),
    (error: unknown) => died.abort(error),
  );
  try {
    await waitForHealthy(`http://${LOOPBACK}:${port}`, {
      timeoutMs: options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS,
      signal: died.signal,
    });
  } catch (error) {
    if (!jvm.hasExited()) await jvm.terminate(5_000).catch(() => undefined);
    throw error;
  }
  return { jvm, port, startupMs: Date.now() - startedAt };
}

/**
 * Starts a Conductor server (version from devserver/version.json or
 * BATON_CONDUCTOR_VERSION) and resolves once `/health` answers healthy.
 */
export async function startConductor(options: StartConductorOptions = {}): Promise<RunningConductor> {
  const log = options.log ?? (() => {});
  const java = findJava();
  log(`Using Java ${java.version} (${java.javaPath}, from ${java.source})`);
  const jar = await ensureConductorJar({ log });

  if (options.port !== undefined && (await isPortOpen(options.port))) {
    throw new Error(`Port ${options.port} on ${LOOPBACK} is already in use; pick another port or omit it.`);
  }

  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'baton-conductor-'));
  mkdirSync(join(dataDir, 'tmp'), { recursive: true });
  const logFile = join(dataDir, 'conductor.log');
  const keep = options.keepDataDir === true || process.env['BATON_DEVSERVER_KEEP'] === '1';
  const cleanupDir = (): void => {
    if (ownsDataDir && !keep) removeDir(dataDir);
  };
  const unhookDir = onParentExit(cleanupDir);

  log(`Starting Conductor ${conductorVersion()} (log: ${logFile})`);
  let attempt: Attempt | undefined;
  for (let i = 1; attempt === undefined; i++) {
    const port = options.port ?? (await findFreePort());
    try {
      const disposableDir = ownsDataDir && !keep ? dataDir : '';
      attempt = await bootOnce({ javaPath: java.javaPath, jar, port, dataDir, logFile, disposableDir }, options);
    } catch (error) {
      const logTail = readTail(logFile, { lines: 40, skipStackFrames: true });
      if (options.port === undefined && i < PORT_ATTEMPTS && looksLikePortConflict(logTail)) {
        log(`Port ${port} was taken before the server could bind it; retrying on another port`);
        continue;
      }
      unhookDir();
      const where = keep || !ownsDataDir ? `\nFull log: ${logFile}` : '';
      cleanupDir();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Conductor failed to start: ${reason}\n--- last lines of the server log (stack frames omitted) ---\n${logTail}${where}`);
    }
  }

  const { jvm, port, startupMs } = attempt;
  const url = `http://${LOOPBACK}:${port}`;
  log(`Conductor is healthy at ${url} after ${(startupMs / 1000).toFixed(1)} s (pid ${jvm.pid})`);
  const [uiUrl, swaggerUrl] = await Promise.all([detectUiUrl(url), detectSwaggerUrl(url)]);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await jvm.terminate(options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
      unhookDir();
      cleanupDir();
      log('Conductor stopped');
    })();
    return stopping;
  };

  return {
    url,
    apiUrl: `${url}/api`,
    uiUrl,
    swaggerUrl,
    pid: jvm.pid,
    dataDir,
    logFile,
    reused: false,
    startupMs,
    exited: jvm.exited,
    stop,
  };
}

/**
 * Reuses the server named by `CONDUCTOR_SERVER_URL` (with or without `/api`) when
 * it is set, and starts a local one otherwise. A set but unhealthy URL is an
 * error rather than a silent fallback: whoever set it expects that server to be used.
 */
export async function connectOrStartConductor(
  options: StartConductorOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<RunningConductor> {
  const external = (options.env ?? process.env)['CONDUCTOR_SERVER_URL']?.trim();
  if (!external) return startConductor(options);

  const url = normalizeServerUrl(external);
  const health = await probeHealth(url, 5_000);
  if (!health.healthy) {
    throw new Error(
      `CONDUCTOR_SERVER_URL is set to ${external}, but that server is not healthy (${health.detail}). ` +
        `Start it, or unset CONDUCTOR_SERVER_URL to let baton start a local server.`,
    );
  }
  options.log?.(`Reusing the Conductor server at ${url}`);
  const [uiUrl, swaggerUrl] = await Promise.all([detectUiUrl(url), detectSwaggerUrl(url)]);
  return {
    url,
    apiUrl: `${url}/api`,
    uiUrl,
    swaggerUrl,
    pid: 0,
    dataDir: '',
    logFile: '',
    reused: true,
    startupMs: 0,
    stop: async () => {},
  };
}
