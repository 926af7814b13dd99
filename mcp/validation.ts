/**
 * JSON Schema validation of tool arguments with ajv (draft 2020-12, which is what zod emits),
 * compiled once per schema, with problems phrased so an agent can fix its call.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';

export type JsonSchema = { [key: string]: unknown };

export interface Problem {
  /** Where, as a dotted path from the arguments (`input.items[2].sku`), or '' for the whole. */
  readonly path: string;
  readonly message: string;
}

/** Validates a value; an empty list means valid. */
export type Check = (value: unknown) => Problem[];

// ajv-formats is CommonJS: under Node's ESM loader its default import is the module object.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ?? formatsPlugin) as unknown as (ajv: Ajv2020) => Ajv2020;

function newAjv(unicodeRegExp: boolean): Ajv2020 {
  // strict: false because zod emits annotations ajv does not know; allErrors so one answer
  // lists every problem instead of making the agent discover them one call at a time.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, unicodeRegExp });
  addFormats(ajv);
  return ajv;
}

let unicode: Ajv2020 | undefined;
let legacy: Ajv2020 | undefined;

/**
 * Compiles a schema. zod writes its regular expressions for JavaScript without the `u` flag;
 * the few that are not valid with it compile on a second instance that leaves it off.
 */
export function compileSchema(schema: JsonSchema): Check {
  let validate: ValidateFunction;
  try {
    validate = (unicode ??= newAjv(true)).compile(stripSchemaId(schema));
  } catch (first) {
    try {
      validate = (legacy ??= newAjv(false)).compile(stripSchemaId(schema));
    } catch {
      throw first;
    }
  }
  return (value) => {
    try {
      if (validate(value)) return [];
    } catch (error) {
      // Hostile nesting can exhaust the stack inside a recursive schema.
      return [{ path: '', message: `cannot be checked (${error instanceof RangeError ? 'nested too deeply' : String(error)})` }];
    }
    return describeErrors(validate.errors ?? []);
  };
}

/**
 * A check compiled on first use: a server with hundreds of workflows starts at once, and
 * each schema is still compiled only once. A schema that cannot be compiled refuses every
 * value (`refuse`) or checks nothing (`accept`, for courtesy checks such as outputs).
 */
export function lazyCheck(schema: JsonSchema, onCompileError: 'refuse' | 'accept', report?: (error: unknown) => void): Check {
  let compiled: Check | undefined;
  return (value) => {
    if (!compiled) {
      try {
        compiled = compileSchema(schema);
      } catch (error) {
        report?.(error);
        const reason = `this tool's schema cannot be checked (${error instanceof Error ? error.message.slice(0, 200) : String(error)}); tell the operator`;
        compiled = onCompileError === 'accept' ? () => [] : () => [{ path: '', message: reason }];
      }
    }
    return compiled(value);
  };
}

// Two tools may share an `$id` (or none); ajv would refuse the second one under the same id.
function stripSchemaId(schema: JsonSchema): JsonSchema {
  if (!('$id' in schema)) return schema;
  const { $id: _id, ...rest } = schema;
  return rest;
}

function pathOf(instancePath: string): string {
  if (instancePath === '') return '';
  let out = '';
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describe(error: ErrorObject): Problem {
  const path = pathOf(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: join(path, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { path: join(path, String(p.additionalProperty)), message: 'is not an allowed field' };
    case 'unevaluatedProperties':
      return { path: join(path, String(p.unevaluatedProperty)), message: 'is not an allowed field' };
    case 'type':
      return { path, message: `must be ${String(p.type).replace(',', ' or ')}` };
    case 'enum':
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map(show).join(', ')}` };
    case 'const':
      return { path, message: `must be ${show(p.allowedValue)}` };
    case 'format':
      return { path, message: `must be a valid ${String(p.format)}` };
    case 'pattern':
      return { path, message: `must match the pattern ${String(p.pattern)}` };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

// anyOf/oneOf report every branch's error and then their own; the branch noise helps nobody.
// zod gives string formats a regular expression too; the format says it better.
function describeErrors(errors: readonly ErrorObject[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  const formats = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf' && unions.some((u) => error.schemaPath.startsWith(`${u}/`))) continue;
    if (error.keyword === 'pattern' && formats.has(error.instancePath)) continue;
    const problem = error.keyword === 'anyOf' || error.keyword === 'oneOf' ? { path: pathOf(error.instancePath), message: 'matches none of the allowed shapes' } : describe(error);
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** "input.amountCents: must be integer; input.orderId: is required" (at most `max`). */
export function formatProblems(problems: readonly Problem[], max = 8): string {
  const shown = problems.slice(0, max).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
  if (problems.length > max) shown.push(`and ${problems.length - max} more`);
  return shown.join('; ');
}
