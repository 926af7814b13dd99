/** Turns zod issues into short `path: message` lines that point at the offending field. */
import type { z } from 'zod';

function pathText(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

export function issueLines(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => `${pathText(root, issue.path)}: ${issue.message}`);
}

/** At most `limit` lines joined with '; ', and how many more there were. */
export function summarizeIssues(lines: readonly string[], limit = 5): string {
  const shown = lines.slice(0, limit).join('; ');
  return lines.length > limit ? `${shown}; and ${lines.length - limit} more` : shown;
}
