import type { z } from 'zod';
import type { PolicyOverrides } from './policy.js';
import type { SourceLoc } from './source.js';
import type { Json } from './value.js';

/**
 * A task declaration: what a worker implements (name, schemas, options). Pure data: declaring a
 * task never imports the code that runs it.
 */
export interface TaskDeclIR {
  readonly kind: 'taskDecl';
  readonly name: string;
  readonly description?: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** Named defaults from the project policy, e.g. 'external' or 'database'. */
  readonly profile?: string;
  readonly policy: PolicyOverrides;
  readonly ownerEmail?: string;
  /** Fields of the input that must never be shown in logs or audit lines. */
  readonly sensitive?: readonly string[];
  /**
   * Register exactly the settings written here (an imported task definition): no profile, no
   * project defaults; the server's own defaults fill the rest.
   */
  readonly preserveSettings?: boolean;
  /** TaskDef fields baton has no option for, written as given after baton's own. */
  readonly fields?: Readonly<Record<string, Json>>;
  readonly loc: SourceLoc;
}
