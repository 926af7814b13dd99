/**
 * Keeping answers small: a value larger than its byte budget is summarised (long strings cut,
 * long lists and objects shortened, deep nesting collapsed), and every cut says what was left
 * out, so an agent never mistakes a summary for the whole.
 */

export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text);
}

interface Limits {
  readonly string: number;
  readonly items: number;
  readonly keys: number;
  readonly depth: number;
}

// From generous to terse; the first that fits the budget wins.
const LADDER: readonly Limits[] = [
  { string: 2000, items: 50, keys: 100, depth: 8 },
  { string: 500, items: 20, keys: 40, depth: 6 },
  { string: 200, items: 10, keys: 20, depth: 4 },
  { string: 80, items: 5, keys: 10, depth: 3 },
  { string: 40, items: 3, keys: 5, depth: 2 },
];

function bytesLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function shape(value: unknown): string {
  if (Array.isArray(value)) return `[list of ${value.length} items]`;
  if (value !== null && typeof value === 'object') return `[object with ${Object.keys(value).length} fields]`;
  return String(value);
}

function cut(value: unknown, limits: Limits, depth: number): unknown {
  if (typeof value === 'string') {
    return value.length > limits.string ? `${value.slice(0, limits.string)}…[+${value.length - limits.string} chars]` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= limits.depth) return shape(value);
  if (Array.isArray(value)) {
    const kept = value.slice(0, limits.items).map((item) => cut(item, limits, depth + 1));
    if (value.length > limits.items) kept.push(`…[+${value.length - limits.items} more items]`);
    return kept;
  }
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, limits.keys)) out[key] = cut(item, limits, depth + 1);
  if (entries.length > limits.keys) out['…'] = `[+${entries.length - limits.keys} more fields]`;
  return out;
}

export interface Summary {
  readonly value: unknown;
  /** True when the value was changed to fit. */
  readonly truncated: boolean;
  readonly originalBytes: number;
}

/** The value itself when it fits in `budgetBytes`, else the fullest summary that does. */
export function summarise(value: unknown, budgetBytes: number): Summary {
  const originalBytes = jsonBytes(value);
  if (originalBytes <= budgetBytes) return { value, truncated: false, originalBytes };
  for (const limits of LADDER) {
    const candidate = cut(value, limits, 0);
    if (jsonBytes(candidate) <= budgetBytes) return { value: candidate, truncated: true, originalBytes };
  }
  return { value: `[${shape(value)} of ${bytesLabel(originalBytes)} omitted]`, truncated: true, originalBytes };
}
