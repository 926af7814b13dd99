/**
 * The input schema of a workflow tool: the workflow's own input schema, untouched, under
 * `input`, next to the control fields (wait, correlation id, idempotency key, version). Nesting
 * rather than merging means a control field can never collide with a workflow input, and a
 * workflow whose input is not an object (a union, say) still works.
 */
import type { JsonSchema } from './validation.js';

export const INPUT_FIELD = 'input';

export interface ControlFields {
  readonly waitSeconds?: number;
  readonly correlationId?: string;
  readonly idempotencyKey?: string;
  readonly version?: number;
}

/** Conductor's search splits values on commas and strips quotes and parentheses. */
export const SAFE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:@/+=-]*$';

export function controlFieldSchemas(options: { maxWaitSeconds: number; versions: readonly number[] }): Record<string, JsonSchema> {
  return {
    waitSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: options.maxWaitSeconds,
      description: 'Seconds to wait for the result (default 0)',
    },
    correlationId: { type: 'string', minLength: 1, maxLength: 128, pattern: SAFE_ID_PATTERN, description: 'Your id for the run' },
    idempotencyKey: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: SAFE_ID_PATTERN,
      description: 'A repeat with the same key returns the first run',
    },
    version: {
      type: 'integer',
      enum: [...options.versions],
      ...(options.versions.length > 1 && { description: `default ${Math.max(...options.versions)}; older versions take their own input (baton_describe_workflow)` }),
    },
  };
}

/**
 * Local `$ref`s are JSON pointers from the document root; once the schema sits under
 * `properties.input` they must start there. Nothing else changes.
 */
export function rebaseRefs(schema: unknown, prefix: string): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebaseRefs(item, prefix));
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#') && (value === '#' || value.startsWith('#/'))) out[key] = `#${prefix}${value.slice(1)}`;
    else if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') out[key] = value;
    else out[key] = rebaseRefs(value, prefix);
  }
  return out;
}

export function workflowToolInputSchema(
  workflowInput: JsonSchema,
  options: { maxWaitSeconds: number; versions: readonly number[]; inputOptional: boolean },
): JsonSchema {
  const { $schema, ...inner } = workflowInput;
  return {
    ...($schema !== undefined && { $schema }),
    type: 'object',
    properties: {
      [INPUT_FIELD]: rebaseRefs(inner, `/properties/${INPUT_FIELD}`),
      ...controlFieldSchemas(options),
    },
    ...(options.inputOptional ? {} : { required: [INPUT_FIELD] }),
    additionalProperties: false,
  };
}
