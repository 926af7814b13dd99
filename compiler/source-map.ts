/**
 * Positions in the loader's bundle mapped back to the author's files. Node's `SourceMap` decodes
 * every mapping into an array of its own when it is made, which for a large project costs more
 * than anything else about loading; a build looks up a few positions per workflow. This decodes
 * the mappings into flat typed arrays on the first lookup, and finds an entry exactly as Node's
 * `findEntry` does: the last mapping at or before the position, in (line, column) order.
 */

interface MapPayload {
  readonly mappings: string;
  readonly sources: readonly string[];
}

export interface SourceMapEntry {
  readonly originalSource?: string;
  /** 0-based. */
  readonly originalLine?: number;
  /** 0-based. */
  readonly originalColumn?: number;
}

/** Base64 digit values by character code; anything else reads as 0, as in Node's decoder. */
const DIGITS = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  DIGITS[c.charCodeAt(0)] = i;
});

const COMMA = 44;
const SEMICOLON = 59;

/** The decoded mappings, one slot per segment; `source` is -1 for a segment without one. */
interface Mappings {
  readonly count: number;
  readonly line: Int32Array;
  readonly column: Int32Array;
  readonly source: Int32Array;
  readonly originalLine: Int32Array;
  readonly originalColumn: Int32Array;
  /** Segment indexes in (line, column) order when the map lists them otherwise. */
  readonly order?: Int32Array;
}

/** Where the last value read by `vlqAt` ended. */
let vlqEnd = 0;

/**
 * The VLQ value starting at `position`, read as Node's decoder reads it: 5-bit little-endian
 * base64 digits with a continuation bit, anything else (or the end of the text) a 0 digit.
 */
function vlqAt(text: string, position: number): number {
  const length = text.length;
  let result = 0;
  let shift = 0;
  let digit: number;
  do {
    const c = position < length ? text.charCodeAt(position) : 0;
    position++;
    digit = c < 128 ? DIGITS[c]! : 0;
    result += (digit & 31) << shift;
    shift += 5;
  } while (digit & 32);
  vlqEnd = position;
  const negative = result & 1;
  result >>>= 1;
  // Node's sign fix, kept as it is: it turns a "negative zero" into the smallest int32.
  return negative ? -result | (1 << 31) : result;
}

/** A comma or semicolon at `position` (the end of the text is not a separator). */
function separatorAt(text: string, position: number): boolean {
  const c = position < text.length ? text.charCodeAt(position) : -1;
  return c === COMMA || c === SEMICOLON;
}

export class BundleSourceMap {
  private decoded: Mappings | undefined;
  private sources: readonly string[] = [];

  /** `text` is the source map's JSON; nothing is parsed until the first lookup. */
  constructor(private readonly text: string) {}

  /** The mapping at or before a 0-based position of the bundle, or `{}` when there is none. */
  findEntry(line: number, column: number): SourceMapEntry {
    const m = (this.decoded ??= this.decode());
    let first = 0;
    let count = m.count;
    const at = (i: number) => (m.order ? m.order[i]! : i);
    while (count > 1) {
      const step = count >> 1;
      const middle = at(first + step);
      if (line < m.line[middle]! || (line === m.line[middle]! && column < m.column[middle]!)) {
        count = step;
      } else {
        first += step;
        count -= step;
      }
    }
    if (m.count === 0) return {};
    const entry = at(first);
    if (first === 0 && (line < m.line[entry]! || (line === m.line[entry]! && column < m.column[entry]!))) return {};
    const source = m.source[entry]!;
    if (source < 0) return {};
    return { originalSource: this.sources[source], originalLine: m.originalLine[entry]!, originalColumn: m.originalColumn[entry]! };
  }

  private decode(): Mappings {
    const payload = JSON.parse(this.text) as MapPayload;
    this.sources = payload.sources;
    const text = payload.mappings;
    const length = text.length;
    // Every segment is followed by a separator or the end: this bounds their number.
    let capacity = 1;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === SEMICOLON) capacity++;
    }
    const lines = new Int32Array(capacity);
    const columns = new Int32Array(capacity);
    const sources = new Int32Array(capacity);
    const originalLines = new Int32Array(capacity);
    const originalColumns = new Int32Array(capacity);

    const sourceCount = this.sources.length;
    let position = 0;
    let count = 0;
    let line = 0;
    let column = 0;
    let source = 0;
    let originalLine = 0;
    let originalColumn = 0;
    let sorted = true;
    for (;;) {
      if (position < length && text.charCodeAt(position) === COMMA) {
        position++;
      } else {
        while (position < length && text.charCodeAt(position) === SEMICOLON) {
          line++;
          column = 0;
          position++;
        }
        if (position >= length) break;
      }
      column += vlqAt(text, position);
      position = vlqEnd;
      if (count > 0 && (line < lines[count - 1]! || (line === lines[count - 1]! && column < columns[count - 1]!))) sorted = false;
      lines[count] = line;
      columns[count] = column;
      if (separatorAt(text, position)) {
        sources[count] = -1;
        count++;
        continue;
      }
      source += vlqAt(text, position);
      originalLine += vlqAt(text, vlqEnd);
      originalColumn += vlqAt(text, vlqEnd);
      position = vlqEnd;
      // A name index may follow; it is not needed here.
      if (!separatorAt(text, position)) {
        vlqAt(text, position);
        position = vlqEnd;
      }
      sources[count] = source < 0 || source >= sourceCount ? -1 : source;
      originalLines[count] = originalLine;
      originalColumns[count] = originalColumn;
      count++;
    }
    const mappings = { count, line: lines, column: columns, source: sources, originalLine: originalLines, originalColumn: originalColumns };
    if (sorted) return mappings;
    // Node sorts the mappings (stably) before searching them; esbuild writes them in order.
    const order = Int32Array.from(
      Array.from({ length: count }, (_, i) => i).sort((a, b) => lines[a]! - lines[b]! || columns[a]! - columns[b]!),
    );
    return { ...mappings, order };
  }
}
