import type { z } from 'zod';
import type { PolicyOverrides } from './policy.js';
import type { SourceLoc } from './source.js';

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
  readonly loc: SourceLoc;
}
