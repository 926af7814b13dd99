/** The notice `baton build` and `baton register` print about the secrets the workflows read. */

/** The secrets by name, with the workflows that read them; empty when none reads any. */
export function secretsNotice(workflows: readonly { readonly name: string; readonly secrets: readonly string[] }[]): string {
  const users = new Map<string, string[]>();
  for (const w of workflows) for (const s of w.secrets) users.set(s, [...(users.get(s) ?? []), w.name]);
  if (users.size === 0) return '';
  const lines = [...users].sort(([a], [b]) => a.localeCompare(b)).map(([name, by]) => `  ${name}  (${by.join(', ')})`);
  return `Secrets these workflows read, which the server must provide (on Conductor OSS: environment variables CONDUCTOR_SECRET_<NAME>):\n${lines.join('\n')}\n`;
}
