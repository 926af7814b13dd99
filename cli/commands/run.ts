/**
 * `baton run <workflow>`: starts a workflow with input checked against its zod schema (from the
 * workflow file, so defaults apply), optionally waits, and prints how it ended: the output, or
 * the task that failed and why. Meant for people at a terminal and for scripts (--json).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { findFiles } from '../../compiler/files.js';
import { formatDiagnostic } from '../../compiler/diagnostics.js';
import { loadConfig } from '../../compiler/config.js';
import { loadModules } from '../../compiler/load.js';
import { WORKFLOW } from '../../dsl/brands.js';
import { type AnyWorkflow, isWorkflow } from '../../dsl/workflow.js';
import { WorkflowInputError, checkInput, createClient } from '../../runtime/client.js';
import { ConductorError } from '../../runtime/conductor.js';
import { type Execution, describeOutcome } from '../../runtime/execution.js';
import { type CommonArgs, projectRoot } from '../context.js';

interface RunArgs extends CommonArgs {
  workflow: string;
  input?: string;
  example?: string;
  wait?: number;
  json: boolean;
}

/** Exit codes, as documented in the help. */
const EXIT = { ok: 0, failed: 1, badInput: 2, running: 3 } as const;

class UsageError extends Error {}

async function findWorkflow(root: string, spec: string): Promise<AnyWorkflow> {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? Number(spec.slice(at + 1)) : undefined;
  if (version !== undefined && !Number.isInteger(version)) throw new UsageError(`'${spec}': the version after @ must be a number`);
  const config = await loadConfig(root);
  const files = findFiles(config.root, config.workflows, ['**/*.test.ts', '**/*.d.ts', '**/*.spec.ts']);
  const loaded = await loadModules(config.root, files);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the workflow files do not load:\n${errors.map((d) => formatDiagnostic(d, config.root)).join('\n')}`);
  const all = new Set<AnyWorkflow>();
  for (const module of loaded.modules) for (const value of Object.values(module.exports)) if (isWorkflow(value) && !value[WORKFLOW].external) all.add(value);
  const matches = [...all].filter((w) => w.name === name && (version === undefined || w.version === version)).sort((a, b) => b.version - a.version);
  if (matches.length === 0) {
    const known = [...new Set([...all].map((w) => w.name))].sort();
    throw new UsageError(`no workflow '${spec}' in ${config.workflows.join(', ')}. Known: ${known.join(', ') || '(none)'}`);
  }
  return matches[0]!;
}

function readInput(args: RunArgs, workflow: AnyWorkflow): unknown {
  if (args.input !== undefined && args.example !== undefined) throw new UsageError('pass either --input or --example, not both');
  if (args.example !== undefined) {
    const examples = workflow[WORKFLOW].build().ir.examples;
    if (examples.length === 0) throw new UsageError(`workflow '${workflow.name}' has no examples; pass --input`);
    const chosen = args.example === '' ? examples[0] : examples.find((e) => e.name === args.example);
    if (!chosen) throw new UsageError(`workflow '${workflow.name}' has no example '${args.example}'. Examples: ${examples.map((e) => `'${e.name}'`).join(', ')}`);
    return chosen.input;
  }
  if (args.input === undefined) return {};
  const text = args.input.startsWith('@') ? readFileSync(resolve(args.input.slice(1)), 'utf8') : args.input;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON${args.input.startsWith('@') ? ` (in ${args.input.slice(1)})` : ''}: ${(error as Error).message}`);
  }
}

function summary(execution: Execution<unknown>) {
  const failed = execution.failedTask;
  return {
    workflowId: execution.workflowId,
    name: execution.name,
    version: execution.version,
    status: execution.status,
    ...(execution.status === 'COMPLETED' && { output: execution.output }),
    ...(execution.reason !== undefined && { reason: execution.reason }),
    ...(failed && { failedTask: { ref: failed.ref, name: failed.name, status: failed.status, attempt: failed.attempt, reason: failed.reason ?? null } }),
    ...(execution.failureWorkflowId !== undefined && { failureWorkflowId: execution.failureWorkflowId }),
    ...(execution.endTime !== undefined && { durationMs: execution.endTime - execution.startTime }),
  };
}

function exitFor(execution: Execution<unknown>): number {
  if (execution.status === 'COMPLETED') return EXIT.ok;
  if (execution.status === 'RUNNING' || execution.status === 'PAUSED') return EXIT.running;
  return EXIT.failed;
}

async function run(args: RunArgs): Promise<number> {
  const workflow = await findWorkflow(projectRoot(args), args.workflow);
  const input = readInput(args, workflow);
  try {
    checkInput(workflow, input);
  } catch (error) {
    if (!(error instanceof WorkflowInputError)) throw error;
    process.stderr.write(`Input of '${workflow.name}' does not match its schema:\n${error.issues.map((i) => `  ${i}`).join('\n')}\n`);
    return EXIT.badInput;
  }
  const client = createClient();
  try {
    if (args.wait === undefined) {
      const id = await client.start(workflow, input);
      if (args.json) process.stdout.write(`${JSON.stringify({ workflowId: id, name: workflow.name, version: workflow.version, status: 'RUNNING' })}\n`);
      else process.stdout.write(`${id}\n`);
      return EXIT.ok;
    }
    const execution = await client.execute(workflow, input, { waitSeconds: args.wait });
    if (args.json) {
      process.stdout.write(`${JSON.stringify(summary(execution), null, 2)}\n`);
    } else {
      const line = describeOutcome(execution);
      process.stderr.write(execution.status === 'RUNNING' || execution.status === 'PAUSED' ? `${line} (still going after ${args.wait} s)\n` : `${line}\n`);
      if (execution.status === 'COMPLETED') process.stdout.write(`${JSON.stringify(execution.output, null, 2)}\n`);
      if (execution.failureWorkflowId) process.stderr.write(`Failure workflow started: ${execution.failureWorkflowId}\n`);
    }
    return exitFor(execution);
  } catch (error) {
    if (error instanceof ConductorError && error.status === 404 && /workflow/i.test(error.serverMessage ?? '')) {
      throw new Error(`${error.message}\n(is '${workflow.name}' v${workflow.version} registered on the server? run 'baton register')`);
    }
    throw error;
  }
}

export function runCommand(cli: Argv): Argv {
  return cli.command(
    'run <workflow>',
    'Start a workflow (name or name@version) with checked input; optionally wait and print how it ended',
    (y) =>
      y
        .positional('workflow', { type: 'string', demandOption: true })
        .option('input', { type: 'string', describe: 'input as JSON, or @file.json' })
        .option('example', { type: 'string', describe: "use one of the workflow's examples (the first when no name is given)" })
        .option('wait', { type: 'number', describe: 'seconds to wait for the run to end' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' })
        .example('$0 run weather_summary --example', 'start the first example and print the run id')
        .example(`$0 run order_fulfillment --input @order.json --wait 60`, 'start, wait up to a minute, print the output')
        .epilogue(
          'Connects to CONDUCTOR_SERVER_URL. Exit codes: 0 COMPLETED (or started, without --wait), ' +
            '1 FAILED/TIMED_OUT/TERMINATED, 2 bad input or usage, 3 still running when --wait ran out.',
        ),
    async (argv) => {
      const args = argv as unknown as RunArgs;
      if (args.wait !== undefined && !(args.wait > 0)) {
        process.stderr.write(`--wait must be a positive number of seconds (got ${args.wait})\n`);
        args.setExit(EXIT.badInput);
        return;
      }
      try {
        args.setExit(await run(args));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        process.stderr.write(`${error.message}\n`);
        args.setExit(EXIT.badInput);
      }
    },
  );
}
