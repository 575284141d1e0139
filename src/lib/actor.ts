import { forbidden } from './errors.ts';

export type Role = 'owner' | 'admin' | 'member';

/**
 * Who is acting. Derived only from verified credentials (API key, session) or set by trusted
 * code (CLI, jobs, webhooks); never from a client header. Every service function takes one.
 */
export type Actor = {
  workspaceId: string;
  role: Role;
  /** The user behind the action, when there is one. */
  userId: string | null;
  /** What acted: a user through the app, an API key, the CLI, a job or an inbound channel. */
  type: 'user' | 'api_key' | 'cli' | 'system';
  /** Id of the API key, user or job: the principal idempotency keys are scoped to. */
  principalId: string;
};

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

/** The lesser of two roles: a key never acts above its user's current role. */
export const lesserRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** Settings, keys and definitions need admin or owner; members work contacts only. */
export function requireRole(actor: Actor, min: Role): void {
  if (RANK[actor.role] < RANK[min]) throw forbidden(`This action needs the ${min} role; you are ${actor.role}`);
}

export const systemActor = (workspaceId: string, principalId = '00000000-0000-0000-0000-000000000000'): Actor => ({
  workspaceId,
  role: 'owner',
  userId: null,
  type: 'system',
  principalId,
});
