// Public surface of the dev server: what the CLI and the e2e tests import.
export { type RunningConductor, type StartConductorOptions, connectOrStartConductor, startConductor } from './server.js';
export { DEV_SERVER_USAGE, type DevServerIO, runDevServer } from './cli.js';
export { runFetchJar } from './fetch-jar.js';
export { conductorJarPath, conductorVersion, ensureConductorJar, PINNED_CONDUCTOR_VERSION } from './jar.js';
export { findJava, type JavaRuntime, MIN_JAVA_MAJOR } from './jdk.js';
export { probeHealth, HEALTH_PATH } from './health.js';
export { findFreePort, isPortOpen } from './port.js';
