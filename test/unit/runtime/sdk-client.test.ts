// The SDK client baton builds for the task runner: per-task batch size caps, and no silent
// switch to another server than the one asked for.
import { afterEach, describe, expect, it } from 'vitest';
import { createSdkClient } from '../../../runtime/sdk-client.js';

const sdkLogger = { info: () => {}, error: () => {}, debug: () => {}, warn: () => {} };
const saved = process.env.CONDUCTOR_SERVER_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.CONDUCTOR_SERVER_URL;
  else process.env.CONDUCTOR_SERVER_URL = saved;
});

describe('createSdkClient', () => {
  it('caps the count of a batch poll for tasks with a batch size, and leaves the others alone', async () => {
    delete process.env.CONDUCTOR_SERVER_URL;
    const asked: string[] = [];
    const recording = (async (input: string | URL | Request) => {
      asked.push(input instanceof Request ? input.url : String(input));
      return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const client = await createSdkClient({ connection: { serverUrl: 'http://127.0.0.1:9/api' }, logger: sdkLogger, batchSizes: new Map([['capped', 2]]), fetch: recording });
    for (const tasktype of ['capped', 'free']) {
      await client.get({ url: '/api/tasks/poll/batch/{tasktype}', path: { tasktype }, query: { count: 5, workerid: 'w' } });
    }
    expect(asked.map((u) => new URL(u)).map((u) => [u.pathname, u.searchParams.get('count')])).toEqual([
      ['/api/tasks/poll/batch/capped', '2'],
      ['/api/tasks/poll/batch/free', '5'],
    ]);
  });

  it('refuses a server other than the one CONDUCTOR_SERVER_URL names, since the SDK would use that one', async () => {
    process.env.CONDUCTOR_SERVER_URL = 'http://127.0.0.1:8080/api';
    await expect(createSdkClient({ connection: { serverUrl: 'http://127.0.0.1:9090' }, logger: sdkLogger })).rejects.toThrow(
      /CONDUCTOR_SERVER_URL is http:\/\/127\.0\.0\.1:8080\/api but the workers were asked to use http:\/\/127\.0\.0\.1:9090/,
    );
    // The same server spelled with /api is the same server.
    await expect(createSdkClient({ connection: { serverUrl: 'http://127.0.0.1:8080' }, logger: sdkLogger })).resolves.toBeDefined();
  });
});
