/**
 * `baton init`: the files a project needs to start writing workflows: a config, a tsconfig, one
 * workflow with its task and worker to copy from, and `.baton/` in .gitignore. A file that is
 * already there is left alone (and listed), so running it in an existing project is safe.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { defaultCompilerOptions } from '../../compiler/typecheck.js';
import { type CommonArgs, projectRoot } from '../context.js';

const CONFIG = `import { defineConfig } from 'baton';

export default defineConfig({
  workflows: ['workflows/**/*.ts'],
  workers: ['workers/**/*.ts'],
  outDir: 'generated',
  // Shown as the owner of every definition on the server.
  // ownerEmail: 'team@example.com',
});
`;

/** The project's tsconfig: the type-check's defaults, and stricter indexing for hand-written code. */
function tsconfig(root: string): string {
  const compilerOptions = { ...defaultCompilerOptions(root), lib: ['ES2023'], noUncheckedIndexedAccess: true, noEmit: true };
  return `${JSON.stringify({ compilerOptions, include: ['workflows', 'workers', 'baton.config.ts'] }, null, 2)}\n`;
}

const TASKS = `import { task, z } from 'baton';

/** Greets someone by name. */
export const greet = task('greet', {
  input: z.object({ name: z.string().describe('Who to greet') }),
  output: z.object({ greeting: z.string() }),
});
`;

const WORKFLOW = `import { workflow, z } from 'baton';
import { greet } from './tasks.js';

/** Says hello: a first workflow to copy from. */
export default workflow(
  'hello',
  {
    version: 1,
    input: z.object({ name: z.string().min(1).describe('Who to greet') }),
    output: z.object({ greeting: z.string() }),
    examples: [{ name: 'Ada', input: { name: 'Ada' } }],
  },
  (wf) => {
    const hello = wf.run(greet, { name: wf.input.name });
    return { greeting: hello.output.greeting };
  },
);
`;

const WORKER = `import { implement } from 'baton/runtime';
import { greet } from '../workflows/tasks.js';

export const greetWorker = implement(greet, async (input) => ({ greeting: \`Hello, \${input.name}!\` }));
`;

const files = (root: string): readonly (readonly [string, string])[] => [
  ['baton.config.ts', CONFIG],
  ['tsconfig.json', tsconfig(root)],
  ['workflows/tasks.ts', TASKS],
  ['workflows/hello.ts', WORKFLOW],
  ['workers/hello.ts', WORKER],
];

/** Writes the starter files that are missing; returns what was written and what was kept. */
export function scaffold(root: string): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const kept: string[] = [];
  for (const [file, content] of files(root)) {
    const path = join(root, file);
    if (existsSync(path)) {
      kept.push(file);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(file);
  }
  // The loader's and the type-check's scratch files live in .baton/.
  const ignore = join(root, '.gitignore');
  const current = existsSync(ignore) ? readFileSync(ignore, 'utf8') : '';
  if (!current.split(/\r?\n/).some((line) => line.trim() === '.baton/' || line.trim() === '.baton')) {
    appendFileSync(ignore, `${current === '' || current.endsWith('\n') ? '' : '\n'}.baton/\n`);
    written.push('.gitignore (.baton/)');
  }
  return { written, kept };
}

export function initCommand(cli: Argv): Argv {
  return cli.command(
    'init',
    'Start a project: baton.config.ts, tsconfig.json, a first workflow, task and worker (existing files are kept)',
    (y) => y.example('$0 init', 'then: npx baton build, npx baton dev-server, npx baton register, npx baton worker'),
    (argv) => {
      const args = argv as unknown as CommonArgs;
      const { written, kept } = scaffold(projectRoot(args));
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      for (const file of kept) process.stdout.write(`kept  ${file} (already there)\n`);
      process.stdout.write(
        '\nNext: npx baton build (compiles workflows/ into generated/); with a server (npx baton dev-server),\n' +
          'npx baton register, npx baton worker, and npx baton run hello --example Ada --wait 30.\n',
      );
    },
  );
}
