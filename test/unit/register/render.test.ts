/**
 * What `baton register` tells an operator besides the plan: the secrets the registered
 * workflows read, which the server must provide before they can run.
 */
import { describe, expect, it } from 'vitest';
import type { DefinitionSet, WorkflowEntry } from '../../../register/definitions.js';
import { renderSecrets } from '../../../register/render.js';

const entry = (name: string, secrets: string[]): WorkflowEntry => ({
  name,
  version: 1,
  definition: { name, version: 1 },
  file: `generated/workflows/${name}.v1.json`,
  source: `workflows/${name}.ts`,
  dependsOn: [],
  secrets,
});

const definitions = (workflows: WorkflowEntry[]): DefinitionSet => ({
  root: '/project',
  origin: 'generated',
  workflows,
  taskDefs: [],
  schedules: [],
  locator: { workflow: () => undefined, task: () => undefined, taskDef: () => undefined, schedule: () => undefined },
});

describe('renderSecrets', () => {
  it('lists each secret once, by name, with the workflows that read it', () => {
    const text = renderSecrets(definitions([entry('research', ['LLM_API_KEY', 'SEARCH_KEY']), entry('summary', ['LLM_API_KEY']), entry('plain', [])]));
    expect(text).toBe(
      'Secrets these workflows read, which the server must provide (on Conductor OSS: environment variables CONDUCTOR_SECRET_<NAME>):\n' +
        '  LLM_API_KEY  (research, summary)\n' +
        '  SEARCH_KEY  (research)\n',
    );
  });

  it('says nothing when no workflow reads a secret', () => {
    expect(renderSecrets(definitions([entry('plain', [])]))).toBe('');
  });
});
