/**
 * stdio: the MCP client spawns `baton mcp` and talks over stdin/stdout. Only protocol goes to
 * stdout; logs go to stderr. The caller is the local user (admin role).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { LOCAL_PRINCIPAL } from './auth/roles.js';
import { type McpServices, createMcpServer } from './server.js';

export interface StdioHandle {
  /** Resolves when the client goes away (stdin closes). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function serveStdio(services: McpServices, streams: { stdin?: NodeJS.ReadableStream; stdout?: NodeJS.WritableStream } = {}): Promise<StdioHandle> {
  const server = createMcpServer(services, { transport: 'stdio', principal: LOCAL_PRINCIPAL, notifyListChanged: true });
  const transport = new StdioServerTransport(streams.stdin as never, streams.stdout as never);
  const closed = new Promise<void>((resolve) => {
    const previous = server.onclose;
    server.onclose = () => {
      previous?.();
      resolve();
    };
  });
  // The SDK transport does not notice stdin ending; the client closing it means goodbye.
  const stdin = streams.stdin ?? process.stdin;
  stdin.once('end', () => void server.close());
  await server.connect(transport);
  return { closed, close: () => server.close() };
}
