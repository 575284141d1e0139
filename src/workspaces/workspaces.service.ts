import { and, asc, eq, sql } from 'drizzle-orm';
import { requireRole, type Actor, type Role } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import { users, workspaces } from './workspaces.tables.ts';
import { findUser, lockActiveOwners, lockUser } from './workspaces.repo.ts';
import { checkVersion } from '../lib/authorship.ts';
import { makeWorkspaceSettingsCache } from './workspace-settings.ts';
import type { UserCreate, UserUpdate, WorkspaceCreate, WorkspaceUpdate } from './workspaces.schema.ts';

const presentWorkspace = (w: typeof workspaces.$inferSelect) => ({
  id: w.id,
  name: w.name,
  defaultCountry: w.defaultCountry,
  timeZone: w.timeZone,
  locale: w.locale,
  createdAt: w.createdAt.toISOString(),
  updatedAt: w.updatedAt.toISOString(),
  version: Number(w.version),
});

const presentUser = (u: typeof users.$inferSelect) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
  deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
  version: Number(u.version),
});

type UserRow = typeof users.$inferSelect;

const lastOwner = () =>
  new AppError('last_owner', 'This is the workspace\'s last owner: make another user an owner before demoting or removing this one', { status: 409 });

/**
 * The user `id` of workspace `workspaceId`, or undefined, read through `db` (the caller's
 * transaction): how other features check an owner or an assignee without reaching into this
 * feature's repo.
 */
export const findWorkspaceUser = (db: Db, workspaceId: string, id: string) => findUser(db, workspaceId, id);

/**
 * Issues a workspace's first API key inside the transaction that creates it: api-keys'
 * `insertApiKey`, passed in by deps.ts. api-keys imports workspaces (roles, the workspace a key
 * belongs to), so workspaces does not import api-keys.
 */
export type FirstKeyIssuer<K> = (tx: Db, clock: Clock, input: { workspaceId: string; name: string; role: Role; userId: string | null }) => Promise<K>;

/**
 * Ends a removed user's ways in, in the transaction that removes them: their sessions and unused
 * invite links (sessions' storage, passed in by deps.ts: sessions imports workspaces).
 */
export type EndUserAccess = (tx: Db, workspaceId: string, userId: string, now: Date) => Promise<void>;

export function makeWorkspacesService<K>(deps: { db: Db; clock: Clock; insertApiKey: FirstKeyIssuer<K>; endUserAccess: EndUserAccess }) {
  const { db, clock, insertApiKey } = deps;
  const settings = makeWorkspaceSettingsCache({ clock });
  /**
   * One write to a user, under the locks that keep the last-owner rule true: the active owners
   * first (in id order), then the user. `decide` returns the changes, whether they take an active
   * owner away, and whether the user's sessions and invites must end.
   */
  async function changeUser(
    actor: Actor,
    id: string,
    ifMatch: number | undefined,
    decide: (current: UserRow, now: Date) => { changes: Partial<UserRow>; leavesOwners: boolean; endAccess?: boolean },
  ) {
    const now = clock.now();
    return db.transaction(async (tx) => {
      const owners = await lockActiveOwners(tx, actor.workspaceId);
      const current = await lockUser(tx, actor.workspaceId, id);
      if (!current) throw notFound('User', id);
      checkVersion('user', current, ifMatch);
      const { changes, leavesOwners, endAccess } = decide(current, now);
      if (Object.keys(changes).length === 0) return presentUser(current);
      if (leavesOwners && !current.deactivatedAt && owners.filter((o) => o !== id).length === 0) throw lastOwner();
      const [row] = await tx
        .update(users)
        .set({ ...changes, updatedAt: now, version: sql`${users.version} + 1` })
        .where(and(eq(users.workspaceId, actor.workspaceId), eq(users.id, id)))
        .returning();
      if (endAccess) {
        await deps.endUserAccess(tx, actor.workspaceId, id, now);
      }
      return presentUser(row!);
    });
  }

  return {
    /** Cached settings for hot paths (contact writes); see makeWorkspaceSettingsCache. */
    settings,
    /**
     * Creates a workspace, its owner user and a first owner API key (set-up through the CLI).
     * There is no actor yet: whoever runs the CLI on the server is trusted.
     */
    async create(input: WorkspaceCreate) {
      const now = clock.now();
      const id = uuidv7(now.getTime());
      // The new workspace is the tenant scope of its own creation: row-level security lets
      // these rows in because they belong to it.
      return inWorkspace(id, () => db.transaction(async (tx) => {
        const [ws] = await tx
          .insert(workspaces)
          .values({ id, name: input.name, defaultCountry: input.defaultCountry ?? 'ES', timeZone: input.timeZone ?? 'Europe/Madrid', locale: input.locale ?? 'es-ES', createdAt: now, updatedAt: now })
          .returning();
        const ownerId = uuidv7(now.getTime());
        const [owner] = await tx
          .insert(users)
          .values({ workspaceId: id, id: ownerId, email: input.ownerEmail ?? `owner@${id}.invalid`, name: input.ownerName ?? 'Owner', role: 'owner', createdAt: now, updatedAt: now })
          .returning();
        const apiKey = await insertApiKey(tx, clock, { workspaceId: id, name: 'First key', role: 'owner', userId: ownerId });
        return { workspace: presentWorkspace(ws!), owner: presentUser(owner!), apiKey };
      }));
    },
    async get(actor: Actor) {
      const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, actor.workspaceId));
      if (!ws) throw notFound('Workspace');
      return presentWorkspace(ws);
    },
    async update(actor: Actor, patch: WorkspaceUpdate) {
      requireRole(actor, 'admin');
      const [ws] = await db
        .update(workspaces)
        .set({ ...patch, updatedAt: clock.now(), version: sql`${workspaces.version} + 1` })
        .where(eq(workspaces.id, actor.workspaceId))
        .returning();
      if (!ws) throw notFound('Workspace');
      settings.forget(ws.id);
      return presentWorkspace(ws);
    },
    async listUsers(actor: Actor) {
      const rows = await db.select().from(users).where(eq(users.workspaceId, actor.workspaceId)).orderBy(asc(users.createdAt), asc(users.id));
      return rows.map(presentUser);
    },
    async getUser(actor: Actor, id: string) {
      const [u] = await db.select().from(users).where(and(eq(users.workspaceId, actor.workspaceId), eq(users.id, id)));
      if (!u) throw notFound('User', id);
      return presentUser(u);
    },
    /** Adds a team member; only an owner can make another owner. */
    async createUser(actor: Actor, input: UserCreate) {
      requireRole(actor, 'admin');
      if (input.role === 'owner') requireRole(actor, 'owner');
      const now = clock.now();
      try {
        const [u] = await db
          .insert(users)
          .values({ workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), email: input.email.trim().toLowerCase(), name: input.name ?? '', role: input.role as Role, createdAt: now, updatedAt: now })
          .returning();
        return presentUser(u!);
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new AppError('user_email_taken', `A user with email ${input.email} already exists in this workspace`, {
            status: 409,
            errors: [{ pointer: '/email', code: 'email_taken', message: 'already a user of this workspace' }],
          });
        }
        throw err;
      }
    },
    /**
     * Renames a user or changes their role (admin). Giving or taking the owner role needs an
     * owner; the last active owner keeps it. A session's role is read on every request, so the
     * change applies to the user's open sessions at once.
     */
    async updateUser(actor: Actor, id: string, patch: UserUpdate, ifMatch?: number) {
      requireRole(actor, 'admin');
      return changeUser(actor, id, ifMatch, (current) => {
        const changes: Partial<UserRow> = {};
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.role !== undefined && patch.role !== current.role) {
          if (patch.role === 'owner' || current.role === 'owner') requireRole(actor, 'owner');
          changes.role = patch.role;
        }
        return { changes, leavesOwners: current.role === 'owner' && changes.role !== undefined };
      });
    },
    /**
     * Removes a user from the workspace (admin; an owner only by an owner): the user is kept for
     * history but deactivated, so they cannot sign in; their sessions end and unused invites are
     * voided in the same transaction. Removing a removed user changes nothing.
     */
    async deactivateUser(actor: Actor, id: string, ifMatch?: number) {
      requireRole(actor, 'admin');
      return changeUser(actor, id, ifMatch, (current, now) => {
        if (current.role === 'owner') requireRole(actor, 'owner');
        if (current.deactivatedAt) return { changes: {}, leavesOwners: false };
        return { changes: { deactivatedAt: now }, leavesOwners: current.role === 'owner', endAccess: true };
      });
    },
    /** Lets a removed user back in with their role (admin; an owner only by an owner); they sign in again. */
    async reactivateUser(actor: Actor, id: string, ifMatch?: number) {
      requireRole(actor, 'admin');
      return changeUser(actor, id, ifMatch, (current) => {
        if (current.role === 'owner') requireRole(actor, 'owner');
        return { changes: current.deactivatedAt ? { deactivatedAt: null } : {}, leavesOwners: false };
      });
    },
  };
}

export type WorkspacesService = ReturnType<typeof makeWorkspacesService>;
