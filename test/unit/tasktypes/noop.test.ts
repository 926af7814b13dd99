import { describe, expect, it } from 'vitest';
import { workflow, z } from '../../../dsl/index.js';
import { tasksOf } from './helpers.js';

describe('noop (NOOP)', () => {
  it('lowers to a NOOP without settings', () => {
    const wf = workflow('noop_flow', { input: z.object({}), output: z.object({}) }, (wf) => {
      wf.noop('placeholder');
      wf.noop('described', { description: 'marks the end of the happy path', ref: 'end_marker' });
      return {};
    });
    expect(tasksOf(wf)).toEqual([
      { name: 'placeholder', taskReferenceName: 'placeholder', type: 'NOOP', inputParameters: {} },
      { name: 'end_marker', taskReferenceName: 'end_marker', type: 'NOOP', description: 'marks the end of the happy path', inputParameters: {} },
    ]);
  });
});
