// CI step: make sure the pinned Conductor server jar is in the local Maven
// repository before the e2e tests start, so download time (and failures) show
// up in their own step instead of inside a test timeout. The bash equivalent,
// scripts/fetch-conductor.sh, reads the same devserver/version.json.
import { conductorVersion, ensureConductorJar } from './jar.js';

/** Fetches the jar if needed and prints its path; resolves to an exit code. */
export async function runFetchJar(
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  try {
    const jar = await ensureConductorJar({ log: err });
    err(`Conductor ${conductorVersion()} server jar is ready:`);
    out(jar);
    return 0;
  } catch (error) {
    err((error as Error).message);
    return 1;
  }
}
