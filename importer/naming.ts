/**
 * TypeScript names for what the importer writes: step handles from task references, task
 * declarations from task names, modules from workflow names. Every name is a valid identifier,
 * never a reserved word, and unique in its module.
 */

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null',
  'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'as',
  'implements', 'interface', 'let', 'package', 'private', 'protected', 'public', 'static', 'yield', 'any',
  'boolean', 'constructor', 'declare', 'get', 'module', 'require', 'number', 'set', 'string', 'symbol', 'type',
  'from', 'of', 'await', 'async', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval', 'never', 'unknown',
  'object', 'keyof', 'readonly', 'is', 'infer', 'namespace', 'abstract', 'out', 'accessor', 'satisfies',
  // Globals a generated module may rely on.
  'Object', 'Array', 'String', 'Number', 'Boolean', 'JSON', 'Math', 'Date', 'Error', 'Promise', 'Symbol',
]);

/** `charge_card-v2` → `chargeCardV2`; a leading digit gets a prefix. */
export function camelCase(text: string, prefix = 'step'): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) return prefix;
  const joined = words
    .map((word, i) => {
      // Keep inner capitals (`orderID`), lower only the first letter of the first word.
      if (i === 0) return word[0]!.toLowerCase() + word.slice(1);
      return word[0]!.toUpperCase() + word.slice(1);
    })
    .join('');
  return /^[0-9]/.test(joined) ? `${prefix}${joined[0]!.toUpperCase()}${joined.slice(1)}` : joined;
}

export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(text) && !RESERVED.has(text);
}

/** Hands out unique identifiers within one module. */
export class Namer {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  reserve(name: string): void {
    this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** A fresh name from `base` (camel-cased), with `suffix` appended, numbered when taken. */
  take(base: string, suffix = '', prefix = 'step'): string {
    let stem = camelCase(base, prefix) + suffix;
    if (RESERVED.has(stem)) stem = `${stem}Step`;
    let candidate = stem;
    for (let n = 2; this.taken.has(candidate); n++) candidate = `${stem}${n}`;
    this.taken.add(candidate);
    return candidate;
  }
}

/** A file name (without extension) for a workflow module: its name, made safe for every OS. */
export function moduleFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[.-]+/, '');
  return safe === '' ? 'workflow' : safe;
}
