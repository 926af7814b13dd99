/**
 * A Mermaid flowchart of a workflow, drawn from the IR so it shows what the author wrote (a
 * switch with its branches, a loop with its body) rather than lowering's helper tasks.
 */
import type { StepBase } from '../../ir/step.js';
import type { WorkflowIR } from '../../ir/workflow.js';
import { blocksOf, moduleOf } from '../../tasktypes/registry.js';

interface Drawn {
  readonly entry: string;
  readonly exit: string;
}

class Drawing {
  readonly lines: string[] = [];
  private count = 0;

  id(): string {
    return `n${this.count++}`;
  }

  node(label: string, shape: 'box' | 'diamond' | 'round' | 'stadium' = 'box'): string {
    const id = this.id();
    const text = label.replace(/"/g, "'");
    const open = { box: '["', diamond: '{"', round: '(("', stadium: '(["' }[shape];
    const close = { box: '"]', diamond: '"}', round: '"))', stadium: '"])' }[shape];
    this.lines.push(`  ${id}${open}${text}${close}`);
    return id;
  }

  edge(from: string, to: string, label?: string): void {
    this.lines.push(label ? `  ${from} -->|${label.replace(/\|/g, '/')}| ${to}` : `  ${from} --> ${to}`);
  }

  sequence(steps: readonly StepBase[]): Drawn | undefined {
    let first: Drawn | undefined;
    let previous: Drawn | undefined;
    for (const step of steps) {
      const drawn = this.step(step);
      if (previous) this.edge(previous.exit, drawn.entry);
      first ??= drawn;
      previous = drawn;
    }
    return first && previous ? { entry: first.entry, exit: previous.exit } : undefined;
  }

  step(step: StepBase): Drawn {
    const type = moduleOf(step).conductorTypes[0] ?? (step as { type?: string }).type ?? step.kind;
    const blocks = blocksOf(step);
    if (blocks.length === 0) {
      const id = this.node(`${step.ref}<br/><small>${type}</small>`, step.kind === 'terminate' ? 'stadium' : 'box');
      return { entry: id, exit: id };
    }
    if (step.kind === 'switch') {
      const decide = this.node(step.ref, 'diamond');
      const join = this.node('', 'round');
      for (const block of blocks) {
        const drawn = this.sequence(block.steps);
        const label = block.label.replace(/^case '(.*)'$/, '$1');
        if (drawn) {
          this.edge(decide, drawn.entry, label);
          this.edge(drawn.exit, join);
        } else {
          this.edge(decide, join, label);
        }
      }
      return { entry: decide, exit: join };
    }
    if (step.kind === 'fork') {
      const fork = this.node(`${step.ref}<br/><small>FORK</small>`, 'stadium');
      const join = this.node(`${step.ref} join`, 'stadium');
      for (const block of blocks) {
        const drawn = this.sequence(block.steps);
        if (drawn) {
          this.edge(fork, drawn.entry, block.label.replace(/^branch '(.*)'$/, '$1'));
          this.edge(drawn.exit, join);
        }
      }
      return { entry: fork, exit: join };
    }
    // Loops and for-each: the body in a subgraph, with a back edge for loops.
    const id = this.id();
    this.lines.push(`  subgraph ${id}["${step.ref} (${type})"]`);
    const drawn = this.sequence(blocks.flatMap((b) => b.steps));
    this.lines.push('  end');
    if (drawn && step.kind === 'loop') this.edge(drawn.exit, drawn.entry, 'repeat');
    return { entry: id, exit: id };
  }
}

export function mermaid(workflow: WorkflowIR): string {
  const drawing = new Drawing();
  drawing.lines.push('flowchart TD');
  const start = drawing.node('start', 'round');
  const end = drawing.node('end', 'round');
  const body = drawing.sequence(workflow.steps);
  if (body) {
    drawing.edge(start, body.entry);
    drawing.edge(body.exit, end);
  } else {
    drawing.edge(start, end);
  }
  return `${drawing.lines.join('\n')}\n`;
}
