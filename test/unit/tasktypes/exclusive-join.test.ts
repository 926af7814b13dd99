import { describe, expect, it } from 'vitest';
import { type Step, task, workflow, z } from '../../../dsl/index.js';
import { definitionOf, diagnosticsOf, tasksOf } from './helpers.js';

const valueOut = z.object({ value: z.string() });
const step = (name: string) => task(name, { input: z.object({ id: z.string() }), output: valueOut });
const [task1, task2, task3, task4, task5] = ['ej_task1', 'ej_task2', 'ej_task3', 'ej_task4', 'ej_task5'].map(step) as [
  ReturnType<typeof step>,
  ReturnType<typeof step>,
  ReturnType<typeof step>,
  ReturnType<typeof step>,
  ReturnType<typeof step>,
];
const input = z.object({ id: z.string(), first: z.boolean(), second: z.boolean() });

describe('exclusiveJoin (EXCLUSIVE_JOIN)', () => {
  it('lowers joinOn and defaultExclusiveJoinTask to the joined task references, as in Conductor’s own example', () => {
    const wf = workflow('exclusive_flow', { input, output: z.object({ value: z.string() }) }, (wf) => {
      const first = wf.run(task1, { id: wf.input.id });
      let second!: Step<{ value: string }>;
      let third!: Step<{ value: string }>;
      let fourth!: Step<{ value: string }>;
      let fifth!: Step<{ value: string }>;
      wf.if(
        'decision1',
        wf.input.first,
        (b) => {
          second = b.run(task2, { id: wf.input.id });
          b.if('decision2', wf.input.second, (c) => {
            third = c.run(task3, { id: wf.input.id });
          });
        },
        (b) => {
          fourth = b.run(task4, { id: wf.input.id });
          b.if('decision3', wf.input.second, (c) => {
            fifth = c.run(task5, { id: wf.input.id });
          });
        },
      );
      const joined = wf.exclusiveJoin('exclusive', { joinOn: [third, fifth], defaultJoinOn: [second, fourth, first] });
      return { value: joined.output.value };
    });
    const tasks = tasksOf(wf);
    expect(tasks.map((t) => t.type)).toEqual(['SIMPLE', 'SWITCH', 'EXCLUSIVE_JOIN']);
    expect(tasks[2]).toEqual({
      name: 'exclusive',
      taskReferenceName: 'exclusive',
      type: 'EXCLUSIVE_JOIN',
      inputParameters: {},
      joinOn: ['ej_task3', 'ej_task5'],
      defaultExclusiveJoinTask: ['ej_task2', 'ej_task4', 'ej_task1'],
    });
  });

  it('reads the output where the joined tasks keep it (an HTTP response)', () => {
    const wf = workflow('exclusive_http', { input, output: z.object({ code: z.number() }) }, (wf) => {
      let a!: Step<{ statusCode: number }>;
      let b!: Step<{ statusCode: number }>;
      wf.if(
        'pick',
        wf.input.first,
        (s) => {
          a = s.http('call_a', { uri: 'https://a.example/x', method: 'GET' });
        },
        (s) => {
          b = s.http('call_b', { uri: 'https://b.example/x', method: 'GET' });
        },
      );
      const joined = wf.exclusiveJoin('either', { joinOn: [a, b] });
      return { code: joined.output.statusCode };
    });
    const definition = definitionOf(wf);
    expect((definition.tasks as unknown[])[1]).toEqual({ name: 'either', taskReferenceName: 'either', type: 'EXCLUSIVE_JOIN', inputParameters: {}, joinOn: ['call_a', 'call_b'] });
    expect(definition.outputParameters).toEqual({ code: '${either.output.response.statusCode}' });
  });

  it('reports an exclusive join on no step', () => {
    const wf = workflow('exclusive_empty', { input, output: z.object({}) }, (wf) => {
      wf.exclusiveJoin('nothing', { joinOn: [] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'exclusive-join-empty',
        severity: 'error',
        message: "exclusiveJoin 'nothing' joins on no step",
        hint: 'list the steps to continue from in joinOn; without them the task never completes',
      },
    ]);
  });

  it('reports a step of another workflow', () => {
    let foreign!: Step<{ value: string }>;
    const other = workflow('exclusive_other', { input, output: z.object({}) }, (wf) => {
      foreign = wf.run(task1, { id: wf.input.id });
      return {};
    });
    const wf = workflow('exclusive_foreign', { input, output: z.object({}) }, (wf) => {
      wf.run(task2, { id: wf.input.id });
      wf.exclusiveJoin('join', { joinOn: [foreign] });
      return {};
    });
    expect(diagnosticsOf(other, wf)).toEqual([
      {
        code: 'exclusive-join-unknown-step',
        severity: 'error',
        message: "exclusiveJoin 'join' joins on 'ej_task1', which is not a step of workflow 'exclusive_foreign'",
        hint: 'join on steps recorded in this workflow',
      },
    ]);
  });

  it('reports a step inside a loop body the join is not in', () => {
    const wf = workflow('exclusive_loop_body', { input, output: z.object({}) }, (wf) => {
      let inner!: Step<{ value: string }>;
      wf.loop(
        'repeat',
        (b) => {
          inner = b.run(task1, { id: wf.input.id });
        },
        { maxIterations: 2 },
      );
      wf.exclusiveJoin('join', { joinOn: [inner] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'exclusive-join-repeated',
        severity: 'error',
        message: "exclusiveJoin 'join' joins on 'ej_task1', which runs inside 'repeat' once per pass",
        hint: 'join inside the loop, or return the value from the loop body and read the loop output',
      },
    ]);
  });

  it('reports a loop as a joined step', () => {
    const wf = workflow('exclusive_loop', { input, output: z.object({}) }, (wf) => {
      const looped = wf.loop('repeat', (b) => b.run(task1, { id: wf.input.id }), { maxIterations: 2 });
      wf.exclusiveJoin('join', { joinOn: [looped] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'exclusive-join-loop',
        severity: 'error',
        message: "exclusiveJoin 'join' joins on loop 'repeat', whose task output is not the loop's result",
        hint: 'join on a step after the loop that carries its result',
      },
    ]);
  });

  it('warns about a step listed twice', () => {
    const wf = workflow('exclusive_twice', { input, output: z.object({}) }, (wf) => {
      const one = wf.run(task1, { id: wf.input.id });
      wf.exclusiveJoin('join', { joinOn: [one], defaultJoinOn: [one] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      { code: 'exclusive-join-duplicate', severity: 'warning', message: "exclusiveJoin 'join' lists 'ej_task1' twice", hint: 'list each step once' },
    ]);
  });

  it('reports steps whose outputs are laid out differently', () => {
    const wf = workflow('exclusive_mixed', { input, output: z.object({}) }, (wf) => {
      const worker = wf.run(task1, { id: wf.input.id });
      const call = wf.http('call', { uri: 'https://a.example/x', method: 'GET' });
      wf.exclusiveJoin('join', { joinOn: [worker, call] });
      return {};
    });
    expect(diagnosticsOf(wf)).toEqual([
      {
        code: 'exclusive-join-mixed',
        severity: 'error',
        message: "exclusiveJoin 'join' joins on steps whose outputs have different shapes",
        hint: 'join on steps of the same kind (e.g. all worker tasks); the join output is the raw task output of the one that ran',
      },
    ]);
  });
});
