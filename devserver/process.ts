// Owns the JVM child process: spawning it with its output in a log file, and
// making sure it never outlives us. A leaked Conductor JVM holds ~0.5 GB and a
// port, and on 2-core CI machines it slows every later test, so there are two
// independent safety nets besides an explicit stop():
//   1. a process 'exit' hook (covers normal exits and process.exit()), and
//   2. a tiny detached shell watchdog that notices when this Node process is
//      gone (covers SIGKILL, uncaught signals, crashed test workers), since
//      Node runs no 'exit' hooks in those cases.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface JvmProcess {
  pid: number;
  /** Resolves when the JVM has exited, for whatever reason. */
  exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the JVM is gone. */
  terminate(graceMs: number): Promise<ExitInfo>;
}

export interface SpawnJvmOptions {
  javaPath: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Seconds the watchdog waits after SIGTERM before SIGKILL. */
  watchdogGraceSeconds?: number;
  /**
   * A throw-away folder the watchdog deletes after killing an orphaned JVM (no
   * exit hook runs when we are SIGKILLed). For safety the script only deletes
   * paths containing "/baton-conductor-", i.e. folders made by startConductor.
   */
  removeWhenOrphaned?: string;
}

// ---- parent-exit hook ------------------------------------------------------

const exitHooks = new Set<() => void>();
let exitListenerInstalled = false;

/**
 * Runs `hook` synchronously when this Node process exits. Only synchronous work
 * is possible there, so hooks kill with SIGKILL and delete files with *Sync.
 * Returns a function that unregisters the hook.
 */
export function onParentExit(hook: () => void): () => void {
  if (!exitListenerInstalled) {
    exitListenerInstalled = true;
    process.on('exit', () => {
      for (const run of exitHooks) {
        try {
          run();
        } catch {
          // Best effort: one failing hook must not stop the others.
        }
      }
    });
  }
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

// ---- watchdog ----------------------------------------------------------------

// POSIX sh so it works without Node or bash. It polls once a second and quits on
// its own as soon as the JVM is gone, so a normal stop() leaves nothing behind.
const WATCHDOG_SCRIPT = `
trap '' INT HUP
parent="$1"; child="$2"; grace="$3"; dir="$4"
while kill -0 "$child" 2>/dev/null; do
  if ! kill -0 "$parent" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    i=0
    while kill -0 "$child" 2>/dev/null && [ "$i" -lt "$grace" ]; do sleep 1; i=$((i+1)); done
    kill -KILL "$child" 2>/dev/null
    sleep 1
    case "$dir" in */baton-conductor-*) rm -rf -- "$dir" ;; esac
    exit 0
  fi
  sleep 1
done
`;

function spawnWatchdog(childPid: number, graceSeconds: number, orphanDir: string): ChildProcess | undefined {
  try {
    const args = [String(process.pid), String(childPid), String(graceSeconds), orphanDir];
    const watchdog = spawn(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'baton-conductor-watchdog', ...args],
      // Own session: a Ctrl-C that kills us must not kill the watchdog too.
      { detached: true, stdio: 'ignore' },
    );
    watchdog.on('error', () => {});
    watchdog.unref();
    return watchdog;
  } catch {
    // No /bin/sh (e.g. Windows): the exit hook is still in place.
    return undefined;
  }
}

// ---- spawning ----------------------------------------------------------------

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function spawnJvm(options: SpawnJvmOptions): JvmProcess {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    writeSync(fd, `# ${new Date().toISOString()} ${options.javaPath} ${options.args.join(' ')}\n`);
    child = spawn(options.javaPath, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      // The server log goes straight to the file: nothing on our stdout, and no
      // pipe that would block the JVM if this process stopped reading.
      stdio: ['ignore', fd, fd],
      // Own process group, so a terminal Ctrl-C reaches only us and the JVM is
      // stopped once, in order, by stop().
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    // spawn reports ENOENT/EACCES asynchronously; surface it as an exited process.
    const failed = once(child, 'error').then(([error]) => {
      throw new Error(`could not start ${options.javaPath}: ${(error as Error).message}`);
    });
    failed.catch(() => {});
    return {
      pid: -1,
      exited: failed as Promise<ExitInfo>,
      hasExited: () => true,
      terminate: () => failed as Promise<ExitInfo>,
    };
  }
  // Tests and short scripts must be able to exit without stopping the server
  // first; the exit hook below then takes it down with them.
  child.unref();

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  child.on('error', () => {});

  const watchdog = spawnWatchdog(pid, options.watchdogGraceSeconds ?? 10, options.removeWhenOrphaned ?? '');
  const unhook = onParentExit(() => {
    if (exitInfo === undefined) process.kill(pid, 'SIGKILL');
  });
  void exited.then(() => {
    unhook();
    if (watchdog?.pid !== undefined && isAlive(watchdog.pid)) {
      try {
        watchdog.kill('SIGTERM');
      } catch {
        // Already gone.
      }
    }
  });

  const terminate = async (graceMs: number): Promise<ExitInfo> => {
    if (exitInfo) return exitInfo;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return exited;
    }
    // The grace timer is cancelled as soon as the JVM exits: a pending timer
    // would keep the caller's process (e.g. vitest) alive for the whole grace.
    const grace = new AbortController();
    const winner = await Promise.race([
      exited,
      sleep(graceMs, undefined, { signal: grace.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
    grace.abort();
    if (winner) return winner;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited between the race and the kill.
    }
    return exited;
  };

  return { pid, exited, hasExited: () => exitInfo !== undefined, terminate };
}
