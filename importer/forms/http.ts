/**
 * HTTP → `wf.http(name, { uri, method, headers, body, … })`, when the request holds only what
 * the builder knows; the response reads as `step.output.body…` (`${ref.output.response.body…}`).
 */
import { HTTP_METHODS } from '../../tasktypes/http.js';
import { type Doc, callDoc, quote } from '../doc.js';
import { parseString } from '../expressions.js';
import { type JsonObject, isObject } from '../json.js';
import { planCommon } from './common.js';
import type { Planner, ValueType } from './types.js';

const ABSOLUTE_URL = /^https?:\/\/[^/\s]+/i;

/** Request fields the builder writes, with the option that writes each. */
const REQUEST_OPTIONS: Readonly<Record<string, string>> = {
  uri: 'uri',
  method: 'method',
  headers: 'headers',
  body: 'body',
  accept: 'accept',
  contentType: 'contentType',
  connectionTimeOut: 'connectionTimeOutMs',
  readTimeOut: 'readTimeOutMs',
};

/** The builder checks a literal URI (or a template's leading text) is absolute http(s). */
function acceptableUri(uri: unknown): boolean {
  if (typeof uri !== 'string') return false;
  const parsed = parseString(uri);
  if (parsed.kind === 'opaque') return true;
  if (parsed.kind === 'text') return ABSOLUTE_URL.test(uri);
  const head = parsed.parts[0];
  return typeof head !== 'string' || ABSOLUTE_URL.test(head);
}

function responseType(path: readonly (string | number)[]): ValueType | undefined {
  const [first, second, third] = path;
  if (path.length === 0) return 'object';
  if (first === 'body') return 'any';
  if (first === 'statusCode' && path.length === 1) return 'number';
  if (first === 'reasonPhrase' && path.length === 1) return 'string';
  if (first === 'headers') {
    if (path.length === 1 || (path.length === 2 && typeof second === 'string')) return 'object';
    if (path.length === 3 && typeof second === 'string' && typeof third === 'number') return 'string';
  }
  return undefined;
}

export const planHttp: Planner = (task) => {
  if (task.type !== 'HTTP') return undefined;
  const input = task.inputParameters;
  if (!isObject(input) || Object.keys(input).length !== 1 || !isObject(input.http_request)) return undefined;
  const request = input.http_request;
  if (!Object.keys(request).every((key) => key in REQUEST_OPTIONS)) return undefined;
  if (!HTTP_METHODS.includes(request.method as never) || !acceptableUri(request.uri)) return undefined;
  if (request.headers !== undefined && !(isObject(request.headers) && Object.values(request.headers).every((h) => typeof h === 'string'))) return undefined;
  for (const key of ['accept', 'contentType'] as const) if (request[key] !== undefined && typeof request[key] !== 'string') return undefined;
  for (const key of ['connectionTimeOut', 'readTimeOut'] as const) if (request[key] !== undefined && typeof request[key] !== 'number') return undefined;
  const name = task.name as string;
  const common = planCommon(task, ['inputParameters'], { defaultRef: name, defaultName: name, renamable: false });
  if (!common) return undefined;
  return {
    builder: 'http',
    blocks: [],
    member(root, path) {
      if (root.kind !== 'stepOutput' || path[0] !== 'response') return undefined;
      const rest = path.slice(1);
      const type = responseType(rest);
      if (type === undefined) return undefined;
      return { access: '.output', path: rest, type, named: 1 };
    },
    render(w) {
      const own: [string, Doc][] = [];
      for (const [key, option] of Object.entries(REQUEST_OPTIONS)) {
        const value = request[key];
        if (value === undefined) continue;
        if (key === 'method' || key === 'accept' || key === 'contentType') own.push([option, quote(value as string)]);
        else if (key === 'headers') own.push([option, w.record(value as JsonObject, 'string')]);
        else own.push([option, w.value(value, key === 'uri' ? 'string' : 'any')]);
      }
      if (w.outputRead()) own.push(['output', 'z.any()']);
      return callDoc(`${w.scope}.http`, [quote(name), w.options(own, common)!]);
    },
  };
};
