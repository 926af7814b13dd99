/**
 * What `baton build` and `baton register` tell an operator besides the build or the plan: the
 * secrets the workflows read, which the server must provide before they can run.
 */
import { describe, expect, it } from 'vitest';
import { secretsNotice } from '../../../cli/secrets.js';

const entry = (name: string, secrets: string[]) => ({ name, secrets });

describe('secretsNotice', () => {
  it('lists each secret once, by name, with the workflows that read it', () => {
    const text = secretsNotice([entry('research', ['LLM_API_KEY', 'SEARCH_KEY']), entry('summary', ['LLM_API_KEY']), entry('plain', [])]);
    expect(text).toBe(
      'Secrets these workflows read, which the server must provide (on Conductor OSS: environment variables CONDUCTOR_SECRET_<NAME>):\n' +
        '  LLM_API_KEY  (research, summary)\n' +
        '  SEARCH_KEY  (research)\n',
    );
  });

  it('says nothing when no workflow reads a secret', () => {
    expect(secretsNotice([entry('plain', [])])).toBe('');
  });
});
