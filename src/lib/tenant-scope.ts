import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './db-types.ts';

/**
 * The workspace every query of `database.db` runs for. Row-level security reads it in the
 * database (`app.workspace_id`, made the caller's before each statement: `tenant-connection.ts`),
 * so a query that forgets its `workspace_id = …` condition still sees only this workspace's rows,
 * and code that runs with no workspace sees no tenant rows at all.
 *
 * Entry points set it: the HTTP layer from the authenticated actor, job handlers from their
 * payload, CLI commands from `--workspace`. Work across workspaces (housekeeping, the outbox
 * relay, looking up an API key by its hash) uses `database.systemDb` instead, on purpose.
 */
export type TenantStore = {
  workspaceId: string | null;
  /** An open transaction every query of `database.db` joins (idempotent requests run in one). */
  tx?: Db;
};

const storage = new AsyncLocalStorage<TenantStore>();

/** Runs `fn` (and everything it awaits) as `workspaceId`. */
export function inWorkspace<T>(workspaceId: string, fn: () => T): T {
  return storage.run({ workspaceId }, fn);
}

/** Runs `fn` so that every query of `database.db` joins `tx` (still as the current workspace). */
export function inTransaction<T>(tx: Db, fn: () => T): T {
  return storage.run({ workspaceId: currentWorkspaceId(), tx }, fn);
}

/** The workspace set by the nearest `inWorkspace`, or null outside any. */
export function currentWorkspaceId(): string | null {
  return storage.getStore()?.workspaceId ?? null;
}

/** The transaction set by the nearest `inTransaction`, if any. */
export function currentTransaction(): Db | undefined {
  return storage.getStore()?.tx;
}
