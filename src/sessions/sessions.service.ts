import { createHash, randomBytes } from 'node:crypto';
import { requireRole, systemActor, type Actor, type Role } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, forbidden } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import { assertPasswordAllowed, dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import * as repo from './sessions.repo.ts';

/**
 * Session lifetimes (R31). Idle: 30 min without a request ends the session. Absolute: 12 h after
 * sign-in it ends whatever the activity. The cookie's id is replaced at sign-in and every 15 min
 * of use; the replaced id still works for GRACE (requests already in flight with it).
 */
export const SESSION_DEFAULTS = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  rotateMs: 15 * 60_000,
  graceMs: 30_000,
  /** `last_seen_at` is written at most this often per session: the idle timeout is exact to this. */
  touchMs: 60_000,
  inviteMs: 7 * 24 * 3_600_000,
};
export type SessionOptions = typeof SESSION_DEFAULTS;

/** A cookie's value: 32 random bytes, base64url (ASVS 7.2.3 asks for at least 128 bits). */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const newToken = () => randomBytes(32).toString('base64url');
/** The secrets have 256 bits of entropy, so SHA-256 is the right hash (as for API keys). */
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

type UserView = { id: string; email: string; name: string; role: Role };
type WorkspaceView = { id: string; name: string; locale: string; timeZone: string; defaultCountry: string };
export type SessionView = { user: UserView; workspace: WorkspaceView; csrfToken: string };
export type SignedIn = { token: string; sessionId: string; view: SessionView };

/** What sessions needs of the workspaces feature (its service, passed in by deps.ts). */
export type WorkspaceAccess = {
  get(actor: Actor): Promise<WorkspaceView>;
  getUser(actor: Actor, id: string): Promise<UserView>;
};

export type SignInResult =
  | { outcome: 'signed_in'; signedIn: SignedIn }
  | { outcome: 'choose_workspace'; workspaces: { id: string; name: string }[] }
  | { outcome: 'failed'; userId: string | null; workspaceId: string | null };

export type VerifiedSession = { actor: Actor; sessionId: string; csrfToken: string; rotatedToken?: string };

const invalidInvite = () => new AppError('invalid_invite', 'This invite link is unknown, already used or expired; ask an admin for a new one', { status: 400 });

export function makeSessionsService(deps: { db: Db; systemDb: Db; clock: Clock; workspaces: WorkspaceAccess; options?: Partial<SessionOptions> }) {
  const { db, systemDb, clock, workspaces } = deps;
  const o: SessionOptions = { ...SESSION_DEFAULTS, ...deps.options };

  const userView = (u: UserView): UserView => ({ id: u.id, email: u.email, name: u.name, role: u.role });
  const workspaceView = (w: WorkspaceView): WorkspaceView => ({ id: w.id, name: w.name, locale: w.locale, timeZone: w.timeZone, defaultCountry: w.defaultCountry });
  const workspaceOf = (id: string) => inWorkspace(id, () => workspaces.get(systemActor(id))).then(workspaceView);

  /** A new session for a verified user: a fresh id and CSRF token (no fixation: ids are never reused). */
  async function openSession(workspaceId: string, user: UserView): Promise<SignedIn> {
    const now = clock.now();
    const token = newToken();
    const csrfToken = newToken();
    const id = uuidv7(now.getTime());
    await inWorkspace(workspaceId, () =>
      repo.insertSession(db, { workspaceId, id, userId: user.id, tokenHash: sha256(token), csrfToken, createdAt: now, rotatedAt: now, lastSeenAt: now }),
    );
    return { token, sessionId: id, view: { user: userView(user), workspace: await workspaceOf(workspaceId), csrfToken } };
  }

  /** Stores a new password and ends every session of the user but `keep`. */
  async function storePassword(workspaceId: string, user: UserView, password: string, keep?: string): Promise<number> {
    const passwordHash = await hashPassword(password);
    const now = clock.now();
    return inWorkspace(workspaceId, () =>
      db.transaction(async (tx) => {
        await repo.upsertPassword(tx, { workspaceId, userId: user.id, loginEmail: user.email.trim().toLowerCase(), passwordHash, updatedAt: now });
        return repo.revokeUserSessions(tx, workspaceId, user.id, now, keep);
      }),
    );
  }

  return {
    /**
     * Checks an email and password. Unknown emails are verified against a dummy hash, so they
     * cost what a wrong password costs. An email with a password in several workspaces is
     * checked against each; only workspaces whose password matched are offered to choose from.
     */
    async signIn(input: { email: string; password: string; chosenWorkspaceId?: string }): Promise<SignInResult> {
      const email = input.email.trim().toLowerCase();
      let accounts = await repo.passwordsByEmail(systemDb, email);
      if (input.chosenWorkspaceId) accounts = accounts.filter((a) => a.workspaceId === input.chosenWorkspaceId);
      if (accounts.length === 0) {
        await verifyPassword(await dummyHash(), input.password);
        return { outcome: 'failed', userId: null, workspaceId: null };
      }
      const matched: { account: (typeof accounts)[number]; user: UserView }[] = [];
      for (const account of accounts) {
        if (!(await verifyPassword(account.passwordHash, input.password))) continue;
        const user = await findWorkspaceUser(systemDb, account.workspaceId, account.userId);
        // The address changed since the password was set: this email no longer names the user.
        if (!user || user.email.trim().toLowerCase() !== email) continue;
        matched.push({ account, user });
      }
      if (matched.length === 0) return { outcome: 'failed', userId: accounts.length === 1 ? accounts[0]!.userId : null, workspaceId: accounts.length === 1 ? accounts[0]!.workspaceId : null };
      if (matched.length > 1) {
        const list = await Promise.all(matched.map(async (m) => ({ id: m.account.workspaceId, name: (await workspaceOf(m.account.workspaceId)).name })));
        return { outcome: 'choose_workspace', workspaces: list };
      }
      const { account, user } = matched[0]!;
      if (needsRehash(account.passwordHash)) {
        const passwordHash = await hashPassword(input.password);
        await inWorkspace(account.workspaceId, () => repo.upsertPassword(db, { ...account, passwordHash, updatedAt: clock.now() }));
      }
      return { outcome: 'signed_in', signedIn: await openSession(account.workspaceId, user) };
    },

    /**
     * The session a cookie stands for, checked against its idle and absolute limits, with the
     * user's current role; its id is rotated when due (the new cookie in `rotatedToken`).
     */
    async authenticate(token: string): Promise<VerifiedSession | undefined> {
      if (!TOKEN_RE.test(token)) return undefined;
      const now = clock.now();
      const found = await repo.sessionByToken(systemDb, sha256(token), new Date(now.getTime() - o.graceMs));
      if (!found) return undefined;
      const { row, current } = found;
      const t = now.getTime();
      if (row.revokedAt || t - row.lastSeenAt.getTime() > o.idleMs || t - row.createdAt.getTime() > o.absoluteMs) return undefined;
      const user = await findWorkspaceUser(systemDb, row.workspaceId, row.userId);
      if (!user) return undefined;
      const verified: VerifiedSession = {
        actor: { workspaceId: row.workspaceId, role: user.role, userId: user.id, type: 'user', principalId: user.id },
        sessionId: row.id,
        csrfToken: row.csrfToken,
      };
      if (current && t - row.rotatedAt.getTime() >= o.rotateMs) {
        const fresh = newToken();
        if (await repo.rotateSession(systemDb, row, sha256(fresh), now)) verified.rotatedToken = fresh;
      } else if (t - row.lastSeenAt.getTime() >= o.touchMs) {
        await repo.touchSession(systemDb, row, now);
      }
      return verified;
    },

    /** The signed-in user and workspace (what the web app shows), with the session's CSRF token. */
    async current(actor: Actor, csrfToken: string): Promise<SessionView> {
      if (actor.type !== 'user' || !actor.userId) throw new AppError('unauthenticated', 'Not signed in: this needs a session cookie', { extra: {} });
      const [user, workspace] = await Promise.all([workspaces.getUser(actor, actor.userId), workspaces.get(actor)]);
      return { user: userView(user), workspace: workspaceView(workspace), csrfToken };
    },

    async signOut(actor: Actor, sessionId: string | undefined): Promise<void> {
      if (sessionId) await repo.revokeSession(db, actor.workspaceId, sessionId, clock.now());
    },

    /** Ends the session a cookie names, if any (a new sign-in replaces the browser's old session). */
    async endByToken(token: string): Promise<void> {
      if (!TOKEN_RE.test(token)) return;
      const found = await repo.sessionByToken(systemDb, sha256(token), clock.now());
      if (found) await repo.revokeSession(systemDb, found.row.workspaceId, found.row.id, clock.now());
    },

    /**
     * Changes the signed-in user's password: the current one is required, every other session of
     * the user ends, and this one gets a new id (a privilege change, ASVS 7.2.4).
     */
    async changePassword(actor: Actor, sessionId: string | undefined, input: { currentPassword: string; newPassword: string }): Promise<{ token?: string; revoked: number }> {
      if (actor.type !== 'user' || !actor.userId || !sessionId) throw forbidden('Changing a password needs the user\'s own signed-in session');
      const user = await workspaces.getUser(actor, actor.userId);
      const stored = await repo.passwordOf(db, actor.workspaceId, actor.userId);
      if (!stored || !(await verifyPassword(stored.passwordHash, input.currentPassword))) {
        throw new AppError('validation_failed', 'The current password is wrong', { errors: [{ pointer: '/currentPassword', code: 'wrong_password', message: 'The current password is wrong' }] });
      }
      assertPasswordAllowed(input.newPassword, user.email, '/newPassword');
      const revoked = await storePassword(actor.workspaceId, user, input.newPassword, sessionId);
      const token = newToken();
      const found = await repo.sessionById(db, actor.workspaceId, sessionId);
      if (found && (await repo.rotateSession(db, found, sha256(token), clock.now(), false))) return { token, revoked };
      return { revoked };
    },

    /** Sets a user's password as a trusted operator (the CLI); ends the user's sessions. */
    async setPassword(actor: Actor, userId: string, password: string): Promise<{ revoked: number }> {
      requireRole(actor, 'owner');
      const user = await workspaces.getUser(actor, userId);
      assertPasswordAllowed(password, user.email);
      return { revoked: await storePassword(actor.workspaceId, user, password) };
    },

    /**
     * A one-time invite for a user to set their password: 32 random bytes, only the hash kept,
     * valid 7 days, and a new invite voids the user's earlier ones. An admin may not invite an
     * owner (that would let them choose an owner's password).
     */
    async createInvite(actor: Actor, userId: string): Promise<{ token: string; expiresAt: string }> {
      requireRole(actor, 'admin');
      const user = await workspaces.getUser(actor, userId);
      if (user.role === 'owner') requireRole(actor, 'owner');
      const now = clock.now();
      const token = newToken();
      const expiresAt = new Date(now.getTime() + o.inviteMs);
      await db.transaction((tx) =>
        repo.insertInvite(tx, { workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), userId, tokenHash: sha256(token), createdBy: actor.principalId, createdAt: now, expiresAt }),
      );
      return { token, expiresAt: expiresAt.toISOString() };
    },

    /** Uses an invite once: sets the password, ends the user's other sessions and signs in. */
    async acceptInvite(input: { token: string; password: string }): Promise<SignedIn & { workspaceId: string }> {
      if (!TOKEN_RE.test(input.token)) throw invalidInvite();
      const now = clock.now();
      const invite = await repo.inviteByToken(systemDb, sha256(input.token));
      if (!invite || invite.usedAt || invite.expiresAt.getTime() <= now.getTime()) throw invalidInvite();
      const user = await findWorkspaceUser(systemDb, invite.workspaceId, invite.userId);
      if (!user) throw invalidInvite();
      assertPasswordAllowed(input.password, user.email);
      const passwordHash = await hashPassword(input.password);
      await inWorkspace(invite.workspaceId, () =>
        db.transaction(async (tx) => {
          if (!(await repo.consumeInvite(tx, invite, clock.now()))) throw invalidInvite();
          await repo.upsertPassword(tx, { workspaceId: invite.workspaceId, userId: user.id, loginEmail: user.email.trim().toLowerCase(), passwordHash, updatedAt: now });
          await repo.revokeUserSessions(tx, invite.workspaceId, user.id, now);
        }),
      );
      return { ...(await openSession(invite.workspaceId, user)), workspaceId: invite.workspaceId };
    },
  };
}

export type SessionsService = ReturnType<typeof makeSessionsService>;
