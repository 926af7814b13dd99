/**
 * Descriptions from JSDoc: the comment right above `export const x = task(…)` or
 * `export default workflow(…)` describes it. Found by reading the source text backwards from the
 * builder's call line, which is far cheaper than parsing every file.
 */
import { readFileSync } from 'node:fs';

const cache = new Map<string, string[] | null>();

function lines(file: string): string[] | null {
  let cached = cache.get(file);
  if (cached === undefined) {
    try {
      cached = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      cached = null;
    }
    cache.set(file, cached);
  }
  return cached;
}

export function clearDocCache(): void {
  cache.clear();
}

/** The JSDoc text above the declaration containing `line` (1-based), without tags. */
export function docComment(file: string, line: number): string | undefined {
  const text = lines(file);
  // A position past the end (a stale source map, a file edited since loading) has no comment.
  if (!text || line < 1 || line > text.length) return undefined;
  let i = line - 2;
  // The call may sit on a continuation line: `export const x =\n  task(…)`.
  const current = text[line - 1] ?? '';
  if (!/^\s*(export\b|const\b|let\b|var\b)/.test(current)) {
    while (i >= 0 && !/\*\/\s*$/.test(text[i]!) && /^\s*(export\b|const\b|let\b|var\b|[\w$.]+\s*=\s*$)/.test(text[i]!)) i--;
  }
  while (i >= 0 && text[i]!.trim() === '') i--;
  if (i < 0 || !/\*\/\s*$/.test(text[i]!)) return undefined;
  const end = i;
  while (i >= 0 && !text[i]!.includes('/**')) i--;
  if (i < 0) return undefined;
  const body = text
    .slice(i, end + 1)
    .join('\n')
    .replace(/^\s*\/\*\*/, '')
    .replace(/\*\/\s*$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  const untilTag = body.findIndex((l) => /^@\w+/.test(l.trim()));
  const kept = (untilTag >= 0 ? body.slice(0, untilTag) : body).join('\n').trim();
  return kept === '' ? undefined : kept.replace(/\s*\n\s*/g, ' ');
}
