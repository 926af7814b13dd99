// Loopback port helpers. The server is always bound to 127.0.0.1 so that a dev
// server never becomes reachable from the network by accident.
import { createConnection, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Asks the kernel for a free port by binding port 0. The port is released before
 * the JVM binds it, so another process could grab it in between; the caller
 * retries on "port in use" instead of trying to close that window.
 */
export function findFreePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    // Deliberately not unref'd: when nothing else is pending (e.g. a second start
    // right after a stop), an unref'd probe would let Node exit mid-start.
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host: string = LOOPBACK, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
