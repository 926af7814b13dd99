/**
 * Calls from workers to the company's other services over HTTP/JSON. Each service's base URL
 * comes from an environment variable (e.g. PAYMENT_SERVICE_URL), so a deployment, or a test,
 * points workers at the right place without touching code.
 *
 * Failures are sorted the way Conductor needs them: a 4xx answer means the request itself is
 * wrong or refused (a declined card, unknown stock), so retrying cannot help and the task fails
 * terminally; network errors, timeouts, 408, 429 and 5xx are worth the retry policy.
 */
import { NonRetryableError, type TaskContext } from 'baton/runtime';

export type ServiceName = 'ORDER' | 'INVENTORY' | 'PAYMENT' | 'SHIPPING' | 'NOTIFICATION' | 'RISK';

/** Below the 'external' profile's 30 s task timeout, so the worker reports before the server gives up. */
const REQUEST_TIMEOUT_MS = 25_000;

export function serviceUrl(service: ServiceName): string {
  const variable = `${service}_SERVICE_URL`;
  const value = process.env[variable]?.trim();
  if (!value) {
    // Retryable on purpose: the fix is a configuration change, after which a retry succeeds.
    throw new Error(`${variable} is not set: the worker does not know where the ${service.toLowerCase()} service is`);
  }
  return value.replace(/\/+$/, '');
}

export class ServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

function serviceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 300) || undefined;
  if (body && typeof body === 'object') {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (typeof error === 'string') return error;
  }
  return undefined;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as Idempotency-Key, so a retried attempt does the work once. */
  readonly idempotencyKey?: string;
  /** Answers with these statuses are returned, not thrown (e.g. 404 on a delete). */
  readonly accept?: readonly number[];
}

export interface ServiceResponse<T> {
  readonly status: number;
  readonly body: T;
}

export async function callService<T>(
  service: ServiceName,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  context: TaskContext,
  options: CallOptions = {},
): Promise<ServiceResponse<T>> {
  const url = `${serviceUrl(service)}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
        ...(options.idempotencyKey !== undefined && { 'idempotency-key': options.idempotencyKey }),
        // Lets the service tie its logs to the workflow run.
        'x-workflow-id': context.workflowId,
        'x-task-id': context.taskId,
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), context.signal]),
    });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new Error(`${method} ${url} failed: ${cause}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the error message.
  }
  if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body: body as T };
  const detail = serviceMessage(body);
  const message = `${service.toLowerCase()} service answered ${method} ${path} with ${response.status}${detail ? `: ${detail}` : ''}`;
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  if (retryable) throw new ServiceError(message, response.status, body);
  throw new NonRetryableError(message, { cause: new ServiceError(message, response.status, body) });
}
