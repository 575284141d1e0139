import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { lesserRole, requireRole, type Actor, type Role } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import { apiKeys } from './api-keys.tables.ts';

/** Keys look like `vx_live_<id prefix>_<secret>`: recognisable by secret scanners, and the prefix names the key in lists. */
const KEY_PREFIX = 'vx_live_';

/**
 * The secret has 256 bits of entropy, so a plain SHA-256 is the right hash: a slow password hash
 * would only slow every request without adding safety.
 */
export const hashApiKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

const present = (r: typeof apiKeys.$inferSelect): ApiKeyView => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

/** Inserts a key; the only moment the full secret exists outside the client. */
export async function insertApiKey(
  db: Db,
  clock: Clock,
  input: { workspaceId: string; name: string; role: Role; userId: string | null },
): Promise<ApiKeyView & { secret: string }> {
  const now = clock.now();
  const id = uuidv7(now.getTime());
  const prefix = `${KEY_PREFIX}${randomBytes(4).toString('hex')}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ workspaceId: input.workspaceId, id, name: input.name, prefix, secretHash: hashApiKey(secret), role: input.role, userId: input.userId, createdAt: now })
    .returning();
  return { ...present(row!), secret };
}

/**
 * Every API request authenticates, so a verified key is remembered for a moment instead of
 * costing a query each time. Revoking through this process forgets it at once; another process
 * (several API servers on PostgreSQL) stops accepting it within AUTH_CACHE_MS (R30 allows 5 s).
 */
const AUTH_CACHE_MS = 2_000;
/** Enough for every key of a large instance; past it the least recently used key is looked up again. */
const AUTH_CACHE_MAX = 10_000;
/** `lastUsedAt` is for humans ("used 3 min ago"), so it is written at most once a minute per key. */
export const LAST_USED_EVERY_MS = 60_000;

type Verified = { actor: Actor; lastUsedAt: number | null };

/**
 * `db` serves the tenant work (create, list, revoke: the actor's workspace is known).
 * `systemDb` finds a key by its hash, before any workspace is known, so it must see every
 * workspace's keys: it bypasses row-level security, and is used for that lookup and the
 * `lastUsedAt` bookkeeping only.
 */
export function makeApiKeysService(deps: { db: Db; systemDb: Db; clock: Clock }) {
  const { db, systemDb, clock } = deps;
  const verified = new TtlCache<string, Verified>({ clock, ttlMs: AUTH_CACHE_MS, max: AUTH_CACHE_MAX });

  /** Records use, unless this key was recorded less than a minute ago (here or by another process). */
  async function touch(entry: Verified): Promise<void> {
    const now = clock.now();
    if (entry.lastUsedAt !== null && now.getTime() - entry.lastUsedAt < LAST_USED_EVERY_MS) return;
    const previous = entry.lastUsedAt;
    // Marked first so concurrent requests of this process do not all write.
    entry.lastUsedAt = now.getTime();
    const recent = new Date(now.getTime() - LAST_USED_EVERY_MS);
    try {
      await systemDb
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.workspaceId, entry.actor.workspaceId), eq(apiKeys.id, entry.actor.principalId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, recent))));
    } catch {
      // Bookkeeping must not fail the request it describes; the next request tries again.
      entry.lastUsedAt = previous;
    }
  }

  return {
    /** Creates a key of at most the creator's own role; the secret is returned once. */
    async create(actor: Actor, input: { name: string; role?: Role }) {
      requireRole(actor, 'admin');
      const role = input.role ?? 'admin';
      if (role === 'owner') requireRole(actor, 'owner');
      return insertApiKey(db, clock, { workspaceId: actor.workspaceId, name: input.name, role, userId: actor.userId });
    },
    async list(actor: Actor): Promise<ApiKeyView[]> {
      requireRole(actor, 'admin');
      const rows = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, actor.workspaceId)).orderBy(desc(apiKeys.createdAt));
      return rows.map(present);
    },
    /** Revoking is immediate: the next request with that key is a 401. */
    async revoke(actor: Actor, id: string): Promise<ApiKeyView> {
      requireRole(actor, 'admin');
      const [row] = await db
        .update(apiKeys)
        .set({ revokedAt: clock.now() })
        .where(and(eq(apiKeys.workspaceId, actor.workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
        .returning();
      if (row) {
        verified.deleteWhere((entry) => entry.actor.principalId === row.id);
        return present(row);
      }
      const [existing] = await db.select().from(apiKeys).where(and(eq(apiKeys.workspaceId, actor.workspaceId), eq(apiKeys.id, id)));
      if (!existing) throw notFound('API key', id);
      return present(existing);
    },
    /** A user left the workspace: this process stops accepting their keys at once (others within AUTH_CACHE_MS). */
    forgetUserKeys(workspaceId: string, userId: string): void {
      verified.deleteWhere((entry) => entry.actor.workspaceId === workspaceId && entry.actor.userId === userId);
    },
    /**
     * Resolves a presented secret to the actor it stands for, or nothing. Only a secret shaped like
     * a key costs a hash and a query; failures are budgeted per IP before this is called.
     */
    async authenticate(secret: string): Promise<Actor | undefined> {
      if (!secret.startsWith(KEY_PREFIX) || secret.length > 200) return undefined;
      const hash = hashApiKey(secret);
      let entry = verified.get(hash);
      if (!entry) {
        const [row] = await systemDb.select().from(apiKeys).where(eq(apiKeys.secretHash, hash)).limit(1);
        if (!row || row.revokedAt) return undefined;
        // The key's user as they are now: a removed user's keys stop working, and a demoted
        // user's key acts with the lesser role (within the cache's seconds, like a revocation).
        const user = row.userId ? await findWorkspaceUser(systemDb, row.workspaceId, row.userId) : undefined;
        if (row.userId && !user) return undefined;
        const role = user ? lesserRole(row.role, user.role) : row.role;
        entry = {
          actor: { workspaceId: row.workspaceId, role, userId: row.userId, type: 'api_key', principalId: row.id },
          lastUsedAt: row.lastUsedAt?.getTime() ?? null,
        };
        verified.set(hash, entry);
      }
      await touch(entry);
      return entry.actor;
    },
  };
}

export type ApiKeysService = ReturnType<typeof makeApiKeysService>;
