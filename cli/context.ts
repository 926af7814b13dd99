/** What every command handler receives besides its own options. */
import { resolve } from 'node:path';

export interface CommonArgs {
  root?: string;
  setExit: (code: number) => void;
}

export function projectRoot(args: { root?: string }): string {
  return resolve(args.root ?? process.cwd());
}
