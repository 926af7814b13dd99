/**
 * Roles an API key carries, each including the one below it: `viewer` reads runs and
 * workflows; `operator` also starts runs, waits for them, signals tasks and retries; `admin`
 * also terminates, restarts, pauses and resumes.
 */

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** Who is calling: an API key over HTTP, or the local user on stdio. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  /** Calls per minute this caller may make (HTTP only). */
  readonly rateLimitPerMinute?: number;
}

/** stdio is spawned by the user's own MCP client, with the user's own rights. */
export const LOCAL_PRINCIPAL: Principal = { keyId: 'local', role: 'admin' };
