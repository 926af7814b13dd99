/**
 * HTTP: a request made by the Conductor server. Built by `wf.http(name, { uri, method, … })`;
 * the step's output is the response (`output.body`, `output.statusCode`, `output.headers`),
 * typed by the optional `output` schema of the body. A non-2xx answer fails the attempt, which is
 * retried per the step's policy (profile 'external' by default).
 */
import { z } from 'zod';
import type { StepBase } from '../ir/step.js';
import type { Json, Value } from '../ir/value.js';
import type { In } from '../dsl/input.js';
import type { StepOptions } from '../dsl/options.js';
import type { RefBase } from '../dsl/ref.js';
import { type ScopeLike, begin, record } from '../dsl/scope-kit.js';
import { type CompensableStep, makeCompensableStep } from '../dsl/step.js';
import type { TaskTypeModule } from './types.js';
import { literalNumber } from './value-facts.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpResponse<B> {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers: Record<string, string[]>;
  readonly body: B;
}

export interface HttpRequest {
  uri: string;
  method: HttpMethod;
  headers?: Record<string, string>;
  body?: unknown;
  accept?: string;
  contentType?: string;
}

export interface HttpOptions<O extends z.ZodType> extends StepOptions {
  uri: string | RefBase<string>;
  method: HttpMethod;
  headers?: Record<string, In<string>>;
  body?: unknown;
  /** Accept header (default application/json). */
  accept?: string;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  /** Default: a quarter of the step's timeout, at most 5 s (Conductor's own is 100 ms). */
  connectionTimeOutMs?: number;
  /** Default: the rest of the step's timeout (Conductor's own is 150 ms). */
  readTimeOutMs?: number;
  /** Schema of the response body. */
  output?: O;
}

export interface HttpNode extends StepBase {
  readonly kind: 'http';
  readonly name: string;
  readonly request: Readonly<Record<string, Value>>;
  readonly bodySchema?: z.ZodType;
}

export function http<O extends z.ZodType = z.ZodUnknown>(
  scope: ScopeLike,
  name: string,
  options: HttpOptions<O>,
): CompensableStep<{ http_request: HttpRequest }, HttpResponse<z.output<O>>> {
  const r = begin(scope, name, options);
  const request: Record<string, unknown> = { uri: options.uri, method: options.method };
  if (options.headers !== undefined) request.headers = options.headers;
  if (options.body !== undefined) request.body = options.body;
  // The JSON defaults are added when lowering, unless the workflow preserves its settings.
  if (options.accept !== undefined) request.accept = options.accept;
  if (options.contentType !== undefined) request.contentType = options.contentType;
  if (options.connectionTimeOutMs !== undefined) request.connectionTimeOut = options.connectionTimeOutMs;
  if (options.readTimeOutMs !== undefined) request.readTimeOut = options.readTimeOutMs;
  const node: HttpNode = record(r, {
    kind: 'http',
    ref: r.ref,
    loc: r.loc,
    name,
    input: {},
    request: r.values(request, 'request'),
    options: r.options,
    ...(options.output !== undefined && { bodySchema: options.output }),
  });
  return makeCompensableStep(node, r.recorder);
}

const ABSOLUTE_URL = /^https?:\/\/[^/\s]+/i;

const JSON_MEDIA = 'application/json';

/** Connecting may take a quarter of the step's timeout, and never more than this. */
const CONNECT_MS = 5_000;

/** Connect and read timeouts that together fit in the step's timeout. */
function defaultTimeouts(timeoutSeconds: number): { connectMs: number; readMs: number } {
  // A timeout of 0 means none; the call then gets the shipped default of 60 s.
  const budgetMs = timeoutSeconds > 0 ? timeoutSeconds * 1000 : 60_000;
  const connectMs = Math.min(CONNECT_MS, Math.floor(budgetMs / 4));
  return { connectMs, readMs: budgetMs - connectMs };
}

/**
 * The request with Accept and Content-Type defaulting to JSON and explicit connect and read
 * timeouts (the server's own, 100 ms and 150 ms, fail any slow service), keys in their usual
 * order. Together they fit in the step's timeout, so the call ends before Conductor gives the
 * attempt up.
 */
function withDefaults(request: { [key: string]: Json }, timeoutSeconds: number): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const key of ['uri', 'method', 'headers', 'body']) if (key in request) out[key] = request[key]!;
  out.accept = request.accept ?? JSON_MEDIA;
  out.contentType = request.contentType ?? JSON_MEDIA;
  const defaults = defaultTimeouts(timeoutSeconds);
  out.connectionTimeOut = request.connectionTimeOut ?? defaults.connectMs;
  out.readTimeOut = request.readTimeOut ?? defaults.readMs;
  for (const [key, value] of Object.entries(request)) if (!(key in out)) out[key] = value;
  return out;
}

/**
 * The step's output: the response around the body. Zod objects are costly to make and a build
 * reads the output of many steps, so there is one per body schema.
 */
const responseSchemas = new WeakMap<z.ZodType, z.ZodType>();
const UNKNOWN_BODY = z.unknown();

function responseSchema(body: z.ZodType = UNKNOWN_BODY): z.ZodType {
  let schema = responseSchemas.get(body);
  if (!schema) {
    schema = z.object({
      statusCode: z.number(),
      reasonPhrase: z.string(),
      headers: z.record(z.string(), z.array(z.string())),
      body,
    });
    responseSchemas.set(body, schema);
  }
  return schema;
}

export const httpType: TaskTypeModule<HttpNode> = {
  kind: 'http',
  conductorTypes: ['HTTP'],
  execution: 'system',
  defaultProfile: 'external',
  extraValues: (node) => [{ label: 'request', value: { kind: 'object', fields: node.request }, placement: { at: 'step' } }],
  check(node, ctx) {
    const method = node.request.method;
    if (method?.kind === 'literal' && !HTTP_METHODS.includes(method.value as HttpMethod)) {
      ctx.report(node.loc, 'http-method', `HTTP step '${node.ref}' has method ${JSON.stringify(method.value)}`, `use one of ${HTTP_METHODS.join(', ')}`);
    }
    const uri = node.request.uri;
    const head = uri?.kind === 'literal' ? uri.value : uri?.kind === 'template' ? uri.parts[0] : undefined;
    if (typeof head === 'string' && !ABSOLUTE_URL.test(head) && !(uri?.kind === 'template' && head === '')) {
      ctx.report(node.loc, 'http-uri', `HTTP step '${node.ref}' has uri ${JSON.stringify(head)}, which is not an absolute http(s) URL`, 'start the uri with http:// or https://, or with a reference that holds the base URL');
    }
    if (uri?.kind === 'literal' && uri.value === '') {
      ctx.report(node.loc, 'http-uri', `HTTP step '${node.ref}' has an empty uri`);
    }
    const timeoutSeconds = ctx.policy(node).timeoutSeconds;
    const defaults = defaultTimeouts(timeoutSeconds);
    const connectMs = literalNumber(node.request.connectionTimeOut) ?? defaults.connectMs;
    const readMs = literalNumber(node.request.readTimeOut) ?? defaults.readMs;
    if (!ctx.workflow.preserveSettings && timeoutSeconds > 0 && connectMs + readMs > timeoutSeconds * 1000) {
      ctx.report(
        node.loc,
        'http-timeouts',
        `HTTP step '${node.ref}' may connect for ${connectMs} ms and read for ${readMs} ms, longer than its ${timeoutSeconds} s timeout: Conductor gives the attempt up before the call does`,
        'raise timeoutSeconds, or lower connectionTimeOutMs/readTimeOutMs',
        'warning',
      );
    }
    if (node.request.body && method?.kind === 'literal' && (method.value === 'GET' || method.value === 'HEAD')) {
      ctx.report(node.loc, 'http-body', `HTTP step '${node.ref}' sends a body with ${method.value}`, 'most servers ignore it; use POST or PUT, or drop the body', 'warning');
    }
  },
  outputRef: (node) => ({ ref: node.ref, prefix: ['response'] }),
  outputSchema: (node) => responseSchema(node.bodySchema),
  lower(node, ctx) {
    const request = ctx.values(node.request);
    const http_request = ctx.workflow.preserveSettings ? request : withDefaults(request, ctx.policy(node).timeoutSeconds);
    return [ctx.task(node, node.name, 'HTTP', { inputParameters: { http_request } })];
  },
};
