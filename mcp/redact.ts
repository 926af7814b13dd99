/**
 * Redaction of secrets and of a workflow's masked fields (WorkflowDef.maskedFields) before a
 * value is written to the audit log or shown in run details.
 */

export const REDACTED = '[redacted]';

// Field names that hold credentials whatever the workflow says.
const SECRET_NAME = /(pass(word|wd|phrase)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key|cookie|session[-_]?id|card[-_]?number|cvv|ssn)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A copy of `value` with secret-looking fields and `maskedFields` replaced. A masked field is a
 * field name (masked wherever it appears) or a dotted path from the top (`card.number`).
 */
export function redact(value: unknown, maskedFields: readonly string[] = [], options: { secrets?: boolean } = {}): unknown {
  const rules: Rules = {
    names: new Set(maskedFields.filter((f) => !f.includes('.')).map((f) => f.toLowerCase())),
    paths: maskedFields.filter((f) => f.includes('.')).map((f) => f.split('.')),
    secrets: options.secrets ?? true,
  };
  return walk(value, rules, [], 0);
}

interface Rules {
  readonly names: ReadonlySet<string>;
  readonly paths: readonly string[][];
  /** Also hide fields whose names say they hold credentials. */
  readonly secrets: boolean;
}

function walk(value: unknown, rules: Rules, at: readonly string[], depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64) return '[nested too deeply]';
  if (Array.isArray(value)) return value.map((item) => walk(item, rules, at, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const path = [...at, key];
    const masked =
      rules.names.has(key.toLowerCase()) ||
      (rules.secrets && isSecretName(key)) ||
      rules.paths.some((p) => p.length === path.length && p.every((s, i) => s === path[i]));
    out[key] = masked ? REDACTED : walk(item, rules, path, depth + 1);
  }
  return out;
}
