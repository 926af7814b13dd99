/** `baton graph <workflow>`: print a workflow's Mermaid diagram. */
import type { Argv } from 'yargs';
import { buildProject } from '../../compiler/build.js';
import { formatDiagnostic } from '../../compiler/diagnostics.js';
import { mermaid } from '../../compiler/artifacts/mermaid.js';
import { type CommonArgs, projectRoot } from '../context.js';

interface GraphArgs extends CommonArgs {
  workflow: string;
}

export function graphCommand(cli: Argv): Argv {
  return cli.command(
    'graph <workflow>',
    'Print the Mermaid flowchart of a workflow (name or name@version)',
    (y) => y.positional('workflow', { type: 'string', demandOption: true }),
    async (argv) => {
      const args = argv as unknown as GraphArgs;
      const outcome = await buildProject({ root: projectRoot(args), typecheck: false, dryRun: true });
      const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        for (const d of errors) process.stderr.write(`${formatDiagnostic(d, outcome.config.root)}\n`);
        args.setExit(1);
        return;
      }
      const [name, version] = args.workflow.split('@');
      const matches = (outcome.result?.workflows ?? []).filter((w) => w.ir.name === name && (version === undefined || String(w.ir.version) === version));
      const chosen = matches.sort((a, b) => b.ir.version - a.ir.version)[0];
      if (!chosen) {
        const known = (outcome.result?.workflows ?? []).map((w) => w.ir.name).join(', ');
        process.stderr.write(`No workflow '${args.workflow}'. Known: ${known || '(none)'}\n`);
        args.setExit(1);
        return;
      }
      process.stdout.write(mermaid(chosen.ir));
    },
  );
}
