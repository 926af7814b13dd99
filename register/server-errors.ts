/**
 * Turns the server's refusals into messages that point at the workflow source.
 *
 * Conductor 3.32 rejects a bulk request as a whole with 400 and one entry per problem, e.g.
 *   {"path":"updateWorkflowDef.arg0[3].tasks[0].decisionCases[a].<map value>[0]",
 *    "message":"inputParameters.http_request or inputParameters.uri field is required …"}
 * The index after `arg0` is the position in the list we sent; the rest walks into that
 * definition down to the task, whose reference name leads to the step's line.
 */
import type { SourceLoc } from '../ir/source.js';
import { ConductorError } from '../runtime/conductor.js';
import { type JsonObject, isObject } from './json.js';
import type { SourceLocator } from './locate.js';

export interface Failure {
  readonly kind: 'taskDef' | 'workflow' | 'schedule';
  readonly name: string;
  readonly version?: number;
  /** HTTP status, 0 when the server could not be reached. */
  readonly status: number;
  readonly message: string;
  /** The task the message is about, when it can be told. */
  readonly ref?: string;
  /** Source location (path relative to the project root), when known. */
  readonly loc?: SourceLoc;
}

/** One definition we sent, with what is needed to locate it. */
export interface Sent {
  readonly kind: Failure['kind'];
  readonly name: string;
  readonly version?: number;
  readonly json: JsonObject;
}

interface ValidationError {
  path?: string;
  message?: string;
  invalidValue?: unknown;
}

/** Splits `arg0[3].tasks[0].decisionCases[a].<map value>[0]` into keys and indexes. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.?([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const word = m[1] ?? m[2] ?? '';
    if (word.startsWith('<')) continue; // <map value>, <list element>
    out.push(m[2] !== undefined && /^\d+$/.test(word) ? Number(word) : word);
  }
  return out;
}

/** The deepest task (object with a taskReferenceName) the path passes through, and the rest. */
function walk(json: JsonObject, segments: readonly (string | number)[]): { ref?: string; field: string } {
  let node: unknown = json;
  let ref: string | undefined;
  let fieldStart = 0;
  segments.forEach((segment, i) => {
    if (node === undefined) return;
    node = Array.isArray(node) ? node[segment as number] : isObject(node) ? node[String(segment)] : undefined;
    if (isObject(node) && typeof node.taskReferenceName === 'string') {
      ref = node.taskReferenceName;
      fieldStart = i + 1;
    }
  });
  const field = segments.slice(ref === undefined ? 0 : fieldStart).map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
  return { ...(ref !== undefined && { ref }), field };
}

/** Refs of a workflow mentioned in a message, longest first (`charge_card_2` over `charge_card`). */
function refInMessage(json: JsonObject, message: string): string | undefined {
  const refs: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if (typeof value.taskReferenceName === 'string') refs.push(value.taskReferenceName);
      for (const [k, v] of Object.entries(value)) if (k !== 'inputParameters') visit(v);
    }
  };
  visit(json.tasks);
  return refs
    .sort((a, b) => b.length - a.length)
    .find((ref) => new RegExp(`(^|[^\\w])${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`).test(message));
}

function locate(locator: SourceLocator, sent: Sent, ref: string | undefined): SourceLoc | undefined {
  if (sent.kind === 'workflow') {
    const version = sent.version ?? 1;
    return ref ? locator.task(sent.name, version, ref) : locator.workflow(sent.name, version);
  }
  return sent.kind === 'taskDef' ? locator.taskDef(sent.name) : locator.schedule(sent.name);
}

function failure(sent: Sent, status: number, message: string, locator: SourceLocator, ref?: string): Failure {
  const loc = locate(locator, sent, ref);
  return {
    kind: sent.kind,
    name: sent.name,
    ...(sent.version !== undefined && { version: sent.version }),
    status,
    message,
    ...(ref !== undefined && { ref }),
    ...(loc && { loc }),
  };
}

/**
 * Failures for a request that carried `batch` and was refused. Validation errors are attached to
 * the definitions they name; anything else is reported against every definition of the batch.
 */
export function failuresFromError(error: unknown, batch: readonly Sent[], locator: SourceLocator): Failure[] {
  if (!(error instanceof ConductorError)) {
    const message = error instanceof Error ? error.message : String(error);
    return batch.map((sent) => failure(sent, 0, message, locator));
  }
  const body = error.body as { validationErrors?: ValidationError[]; message?: string } | undefined;
  const details = isObject(body) && Array.isArray(body.validationErrors) ? body.validationErrors : [];
  if (details.length === 0) {
    const message = error.serverMessage ?? error.message;
    return batch.map((sent) => failure(sent, error.status, message, locator, batch.length === 1 ? refInMessage(sent.json, message) : undefined));
  }
  const out: Failure[] = [];
  for (const detail of details) {
    const message = detail.message ?? 'invalid';
    const segments = pathSegments(detail.path ?? '');
    // `updateWorkflowDef.arg0[3]…` (a list) or `validateWorkflowDef.arg0…` (one definition).
    const argAt = segments.findIndex((s) => typeof s === 'string' && /^arg\d+$|^workflowDef|^taskDef/.test(s));
    let rest = argAt >= 0 ? segments.slice(argAt + 1) : [];
    let index = 0;
    if (typeof rest[0] === 'number' && batch.length > 1) {
      index = rest[0];
      rest = rest.slice(1);
    } else if (typeof rest[0] === 'number') {
      rest = rest.slice(1);
    }
    const sent = batch[index] ?? batch[0];
    if (!sent) continue;
    const walked = walk(sent.json, rest);
    const ref = walked.ref ?? (sent.kind === 'workflow' ? refInMessage(sent.json, message) : undefined);
    const text = walked.field && !message.includes(walked.field) ? `${walked.field}: ${message}` : message;
    out.push(failure(sent, error.status, text, locator, ref));
  }
  return out;
}

/** An "already exists" answer: 409 on Conductor ≥ 3.31.2, a 500 saying so on older servers. */
export function isAlreadyExists(error: unknown): boolean {
  if (!(error instanceof ConductorError)) return false;
  if (error.status === 409) return true;
  return error.status === 500 && /already exists/i.test(error.serverMessage ?? '');
}

/** `file:line:col  name v1 [ref]: message` for terminals and CI logs. */
export function formatFailure(f: Failure): string {
  const where = f.loc ? (f.loc.line > 0 ? `${f.loc.file}:${f.loc.line}:${f.loc.column}` : f.loc.file) : undefined;
  const what = `${f.kind === 'taskDef' ? 'task definition ' : f.kind === 'schedule' ? 'schedule ' : ''}${f.name}${f.version !== undefined ? ` v${f.version}` : ''}${f.ref ? ` (task '${f.ref}')` : ''}`;
  const status = f.status > 0 ? ` [HTTP ${f.status}]` : '';
  return `${where ? `${where}  ` : ''}${what}: ${f.message}${status}`;
}
