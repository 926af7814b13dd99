/**
 * `secret('API_KEY')`: a value the Conductor server keeps to itself and puts in when the task
 * runs (Conductor OSS reads it from the server's environment variable CONDUCTOR_SECRET_API_KEY;
 * Orkes from its secrets store). The task's stored input keeps the `${workflow.secrets.…}`
 * placeholder, so the value never appears in workflow input or execution history, unless a
 * step copies it into its output.
 */
import { type Ref, makeRef } from './ref.js';

/** What fits both an environment variable name and a `${workflow.secrets.NAME}` path. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function secret(name: string): Ref<string> {
  if (!SECRET_NAME.test(name)) {
    throw new Error(`secret name '${name}' cannot be used: use letters, digits and _ (not starting with a digit), as in an environment variable name`);
  }
  return makeRef<string>({ kind: 'secret', name });
}
