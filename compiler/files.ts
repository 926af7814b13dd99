/**
 * Finds files by glob patterns relative to a root: `**` for any depth, `*` and `?` inside a
 * name, `{a,b}` alternatives. Enough for project globs without a dependency.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.baton', 'generated']);

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories.
        if (pattern[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      const options = pattern.slice(i + 1, end).split(',').map((o) => o.replace(/[.+^$()|[\]\\]/g, '\\$&'));
      out += `(?:${options.join('|')})`;
      i = end;
    } else {
      out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** Files under `root` matching any pattern, as absolute paths, sorted for determinism. */
export function findFiles(root: string, patterns: readonly string[], exclude: readonly string[] = []): string[] {
  const include = patterns.map(globToRegExp);
  const skip = exclude.map(globToRegExp);
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full);
        continue;
      }
      const rel = relative(root, full).split(sep).join('/');
      if (include.some((re) => re.test(rel)) && !skip.some((re) => re.test(rel))) found.push(full);
    }
  };
  walk(root);
  return found.sort();
}
