/**
 * One Conductor server for every end-to-end test file: a JVM boot takes a minute on these
 * machines, so the files share it. An already running server named by CONDUCTOR_SERVER_URL is
 * reused (e.g. `baton dev-server` in another shell); otherwise a throw-away one is started and
 * stopped at the end. Test files read the address with `inject('conductorUrl')` or from
 * CONDUCTOR_SERVER_URL, which is set for them (and for `connectOrStartConductor()`, which then
 * reuses this server instead of booting another).
 */
import type { TestProject } from 'vitest/node';
import { connectOrStartConductor } from '../../devserver/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared Conductor server, e.g. http://127.0.0.1:PORT (no /api). */
    conductorUrl: string;
    /** The value of the server's secret E2E_API_TOKEN; empty when a running server was reused. */
    conductorSecret: string;
  }
}

/** Conductor OSS serves `${workflow.secrets.NAME}` from its CONDUCTOR_SECRET_NAME environment. */
const SECRET = `e2e-${Math.random().toString(36).slice(2)}`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reused = Boolean(process.env.CONDUCTOR_SERVER_URL?.trim());
  if (!reused) process.env.CONDUCTOR_SECRET_E2E_API_TOKEN = SECRET;
  const server = await connectOrStartConductor({
    startupTimeoutMs: 240_000,
    log: (line) => process.stderr.write(`[e2e conductor] ${line}\n`),
  });
  process.env.CONDUCTOR_SERVER_URL = server.url;
  project.provide('conductorUrl', server.url);
  project.provide('conductorSecret', reused ? '' : SECRET);
  return async () => {
    await server.stop();
  };
}
