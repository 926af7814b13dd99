/** Where something was written: the author's file, line and column (1-based). */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export const UNKNOWN_LOC: SourceLoc = Object.freeze({ file: '<unknown>', line: 0, column: 0 });

export function formatLoc(loc: SourceLoc): string {
  return loc.line > 0 ? `${loc.file}:${loc.line}:${loc.column}` : loc.file;
}
