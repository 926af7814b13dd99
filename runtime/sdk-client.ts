/**
 * The Conductor SDK's HTTP client, configured from baton's connection settings, for the SDK's
 * task runner. Two things the SDK does not do on its own are added here: a per-task cap on how
 * many tasks one poll fetches, and a refusal to silently talk to another server than asked
 * (the SDK lets CONDUCTOR_SERVER_URL win over the URL it is given).
 */
import { createConductorClient, type ConductorLogger } from '@io-orkes/conductor-javascript';
import { type ConnectionOptions, connectionFromEnv, serverBase } from './conductor.js';

export type SdkClient = Awaited<ReturnType<typeof createConductorClient>>;

export interface SdkClientOptions {
  readonly connection?: ConnectionOptions;
  readonly logger: ConductorLogger;
  /** Most tasks one batch poll may fetch, by task name. */
  readonly batchSizes?: ReadonlyMap<string, number>;
  /** The HTTP function (default: the SDK's own); tests pass one that records requests. */
  readonly fetch?: typeof fetch;
}

const BATCH_POLL = /\/api\/tasks\/poll\/batch\/([^/?]+)/;

export async function createSdkClient(options: SdkClientOptions): Promise<SdkClient> {
  const connection = options.connection ?? connectionFromEnv();
  if (!connection.serverUrl) {
    throw new Error('No Conductor server: set CONDUCTOR_SERVER_URL (e.g. http://localhost:8080), or start one with `baton dev-server`.');
  }
  const base = serverBase(connection.serverUrl);
  const fromEnv = process.env.CONDUCTOR_SERVER_URL?.trim();
  if (fromEnv && serverBase(fromEnv) !== base) {
    throw new Error(
      `CONDUCTOR_SERVER_URL is ${fromEnv} but the workers were asked to use ${connection.serverUrl}; ` +
        'the Conductor SDK always prefers the environment variable, so unset it or make the two agree',
    );
  }
  const client = await createConductorClient({
    serverUrl: base,
    ...(connection.keyId !== undefined && { keyId: connection.keyId }),
    ...(connection.keySecret !== undefined && { keySecret: connection.keySecret }),
    logger: options.logger,
  }, options.fetch);
  const sizes = options.batchSizes;
  if (sizes && sizes.size > 0) {
    // The SDK asks for as many tasks as it has free slots; cap that per task where configured.
    client.interceptors.request.use((request: Request) => {
      const match = BATCH_POLL.exec(new URL(request.url).pathname);
      const cap = match ? sizes.get(decodeURIComponent(match[1]!)) : undefined;
      if (cap === undefined) return request;
      const url = new URL(request.url);
      const asked = Number(url.searchParams.get('count') ?? cap);
      if (asked <= cap) return request;
      url.searchParams.set('count', String(cap));
      return new Request(url, request);
    });
  }
  return client;
}
