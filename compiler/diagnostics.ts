/**
 * Diagnostics: every problem the build finds, with the author's location, a stable code, a
 * message and a hint. The build collects them all and reports them at once.
 */
import { relative } from 'node:path';
import type { SourceLoc } from '../ir/source.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly loc: SourceLoc;
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly severity: Severity;
  /** The workflow the problem belongs to, when there is one. */
  readonly workflow?: string;
}

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  report(diagnostic: Omit<Diagnostic, 'severity'> & { severity?: Severity }): void {
    this.items.push({ severity: 'error', ...diagnostic });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }
}

/** Sorts by file, line, column so output is stable and reads top to bottom. */
export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort(
    (a, b) =>
      a.loc.file.localeCompare(b.loc.file) ||
      a.loc.line - b.loc.line ||
      a.loc.column - b.loc.column ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** `file:line:col  code  message  hint`, with the path relative to the project root. */
export function formatDiagnostic(d: Diagnostic, root: string): string {
  const file = d.loc.file.startsWith('/') ? relative(root, d.loc.file) || d.loc.file : d.loc.file;
  const where = d.loc.line > 0 ? `${file}:${d.loc.line}:${d.loc.column}` : file;
  const severity = d.severity === 'warning' ? 'warning ' : '';
  return `${where}  ${severity}${d.code}  ${d.message}${d.hint ? `  (hint: ${d.hint})` : ''}`;
}

export function diagnosticJson(d: Diagnostic, root: string) {
  return {
    file: d.loc.file.startsWith('/') ? relative(root, d.loc.file) : d.loc.file,
    line: d.loc.line,
    column: d.loc.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.hint !== undefined && { hint: d.hint }),
    ...(d.workflow !== undefined && { workflow: d.workflow }),
  };
}
