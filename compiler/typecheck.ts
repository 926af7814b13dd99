/**
 * The build's type-check: the project's own `tsc` over the workflow files (and what they
 * import), with errors reported like every other diagnostic. Runs as a child process so it
 * overlaps with loading and compiling.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { cacheDir } from './load.js';

function findTsc(root: string): string | undefined {
  const local = join(root, 'node_modules', '.bin', 'tsc');
  if (existsSync(local)) return local;
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('typescript/package.json');
    const bin = join(dirname(pkg), 'bin', 'tsc');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const LINE = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;

export function parseTscOutput(output: string, root: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = LINE.exec(raw);
    if (m) {
      diagnostics.push({
        loc: { file: resolve(root, m[1]!), line: Number(m[2]), column: Number(m[3]) },
        code: m[5]!,
        message: m[6]!,
        severity: m[4] === 'warning' ? 'warning' : 'error',
      });
    } else if (raw.startsWith(' ') && diagnostics.length > 0) {
      // Continuation lines of a long message.
      const last = diagnostics.pop()!;
      diagnostics.push({ ...last, message: `${last.message} ${raw.trim()}` });
    }
  }
  return diagnostics;
}

/**
 * Settings for a project without a tsconfig.json (what baton's own workflows are checked with),
 * and the start of the one `baton init` writes.
 */
export function defaultCompilerOptions(root: string): Record<string, unknown> {
  const options: Record<string, unknown> = { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true };
  // Workflow files may read process.env and the like; Node's types are used when installed.
  if (existsSync(join(root, 'node_modules', '@types', 'node'))) options.types = ['node'];
  return options;
}

/** A tsconfig that checks exactly the workflow files (and what they import). */
function checkConfig(root: string, tsconfig: string, files: readonly string[]): Record<string, unknown> {
  if (!existsSync(tsconfig)) return { compilerOptions: { ...defaultCompilerOptions(root), noEmit: true }, include: [...files] };
  // `files: []` drops the extended config's own list; `include` says what to check instead.
  return { extends: tsconfig, compilerOptions: { noEmit: true }, include: [...files], files: [] };
}

export async function typecheck(root: string, tsconfig: string, files: readonly string[]): Promise<Diagnostic[]> {
  const tsc = findTsc(root);
  if (!tsc) {
    return [
      {
        loc: { file: tsconfig, line: 0, column: 0 },
        code: 'typecheck-unavailable',
        message: 'TypeScript is not installed, so the workflow files were not type-checked',
        hint: 'npm install --save-dev typescript, or build with --no-typecheck',
        severity: 'error',
      },
    ];
  }
  const dir = cacheDir(root);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, `tsconfig.workflows-${process.pid}.json`);
  writeFileSync(config, JSON.stringify(checkConfig(root, tsconfig, files), null, 2));
  const output = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn(tsc, ['-p', config, '--pretty', 'false'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolvePromise(text));
  }).finally(() => rmSync(config, { force: true }));
  return parseTscOutput(output, root);
}
