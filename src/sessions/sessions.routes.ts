import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, clearedSessionCookie, sessionCookie, sessionTokenOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { makeRateLimitStore, rateLimited } from '../lib/http/rate-limit.ts';
import { Invite, InviteAccept, PasswordChange, Session, SignIn } from './sessions.schema.ts';
import type { SignedIn } from './sessions.service.ts';
import { makeSignInBudget } from './sign-in-budget.ts';

const tags = ['auth'];
/** One answer for an unknown email and a wrong password: same status, same body (R33). */
const invalidCredentials = () => new AppError('invalid_credentials', 'Invalid email or password', { status: 401 });

/** Sign-in, session, sign-out, password change and invites (R31–R33). Every event is logged once, never a secret. */
export const sessionsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { sessions } = deps.services;
    const budget = makeSignInBudget(makeRateLimitStore(deps.database, deps.clock));

    /** 429 with Retry-After when this account or address spent its failures (checked before any hash). */
    async function refuseIfSpent(request: FastifyRequest, reply: FastifyReply, email: string): Promise<void> {
      const spent = await budget.check(email, request.ip);
      if (!spent) return;
      request.log.warn({ event: 'sign_in_rate_limited', policy: spent.policy, ip: request.ip }, 'password attempts refused: failure budget spent');
      throw rateLimited(reply, spent, deps.clock.now().getTime(), 'failed password attempts');
    }

    const startSession = (reply: FastifyReply, signedIn: SignedIn) => reply.header('set-cookie', sessionCookie(signedIn.token)).header('cache-control', 'no-store').send(signedIn.view);

    app.post('/v1/auth/sign-in', {
      config: { public: true },
      schema: {
        operationId: 'signIn', tags, summary: 'Sign in with email and password; sets the session cookie',
        description: 'Answers the signed-in session and sets `__Host-vixiees_session` (HttpOnly, Secure, SameSite=Lax). An unknown email and a wrong password get the same 401. Repeated failures get 429 with Retry-After (per account and address; never a permanent lockout). 409 `workspace_choice_required` lists the workspaces (`workspaces: [{id, name}]`) when the password opens several; send again with `workspaceId`.',
        body: SignIn, response: { 200: Session, ...problemResponses(401, 409, 422, 429) },
      },
    }, async (request, reply) => {
      const { email, password, workspaceId } = request.body;
      await refuseIfSpent(request, reply, email);
      const result = await sessions.signIn({ email, password, chosenWorkspaceId: workspaceId });
      if (result.outcome === 'failed') {
        await budget.record(email, request.ip);
        request.log.warn({ event: 'sign_in_failed', userId: result.userId, workspaceId: result.workspaceId, ip: request.ip }, 'sign-in failed');
        throw invalidCredentials();
      }
      if (result.outcome === 'choose_workspace') {
        request.log.info({ event: 'sign_in_workspace_choice', ip: request.ip, workspaces: result.workspaces.length }, 'sign-in needs a workspace choice');
        throw new AppError('workspace_choice_required', 'This email and password open several workspaces; send again with workspaceId', { status: 409, extra: { workspaces: result.workspaces } });
      }
      // The browser's previous session, if any, ends: one browser, one session.
      const previous = sessionTokenOf(request);
      if (previous) await sessions.endByToken(previous);
      const { view } = result.signedIn;
      request.log.info({ event: 'sign_in', userId: view.user.id, workspaceId: view.workspace.id, ip: request.ip }, 'signed in');
      return startSession(reply, result.signedIn);
    });

    app.get('/v1/auth/session', {
      schema: { operationId: 'getSession', tags, summary: 'The signed-in user and workspace, with the CSRF token (401 when not signed in)', response: { 200: Session, ...problemResponses(401) } },
    }, async (request) => sessions.current(actorOf(request), request.userSession?.csrfToken ?? ''));

    app.post('/v1/auth/sign-out', {
      schema: { operationId: 'signOut', tags, summary: 'End this session (server-side) and clear the cookie', response: { 204: z.null(), ...problemResponses(401, 403) } },
    }, async (request, reply) => {
      const actor = actorOf(request);
      await sessions.signOut(actor, request.userSession?.id);
      if (request.userSession) request.log.info({ event: 'sign_out', userId: actor.userId, workspaceId: actor.workspaceId, ip: request.ip }, 'signed out');
      return reply.status(204).header('set-cookie', clearedSessionCookie()).send(null);
    });

    app.put('/v1/users/me/password', {
      schema: {
        operationId: 'changeMyPassword', tags, summary: 'Change your own password (needs the current one); ends your other sessions',
        description: 'Only with the session cookie. This session gets a new id (a new cookie); every other session of the user ends.',
        body: PasswordChange, response: { 204: z.null(), ...problemResponses(401, 403, 422, 429) },
      },
    }, async (request, reply) => {
      const actor = actorOf(request);
      const account = `user:${actor.workspaceId}:${actor.userId ?? actor.principalId}`;
      await refuseIfSpent(request, reply, account);
      try {
        const { token, revoked } = await sessions.changePassword(actor, request.userSession?.id, request.body);
        request.log.info({ event: 'password_changed', userId: actor.userId, workspaceId: actor.workspaceId, ip: request.ip, sessionsEnded: revoked }, 'password changed');
        if (token) reply.header('set-cookie', sessionCookie(token));
        return reply.status(204).send(null);
      } catch (err) {
        if (err instanceof AppError && err.errors?.[0]?.code === 'wrong_password') {
          await budget.record(account, request.ip);
          request.log.warn({ event: 'password_change_failed', userId: actor.userId, workspaceId: actor.workspaceId, ip: request.ip }, 'password change: wrong current password');
        }
        throw err;
      }
    });

    app.post('/v1/users/:id/invite', {
      schema: {
        // The answer carries a one-time secret: a stored idempotent replay would keep it in plain text.
        idempotency: false,
        operationId: 'inviteUser', tags, summary: 'A one-time link for the user to set a password (admin); voids earlier links',
        params: IdParams, response: { 201: Invite, ...problemResponses(400, 401, 403, 404) },
      },
    }, async (request, reply) => {
      const actor = actorOf(request);
      const { token, expiresAt } = await sessions.createInvite(actor, request.params.id);
      request.log.info({ event: 'invite_created', userId: request.params.id, by: actor.principalId, workspaceId: actor.workspaceId }, 'invite created');
      return reply.status(201).header('cache-control', 'no-store').send({ inviteUrl: `${request.protocol}://${request.host}/invite#token=${token}`, expiresAt });
    });

    app.post('/v1/auth/accept-invite', {
      config: { public: true },
      schema: {
        operationId: 'acceptInvite', tags, summary: 'Set your password with an invite token and sign in (the token works once)',
        body: InviteAccept, response: { 200: Session, ...problemResponses(400, 422) },
      },
    }, async (request, reply) => {
      try {
        const signedIn = await sessions.acceptInvite(request.body);
        request.log.info({ event: 'invite_accepted', userId: signedIn.view.user.id, workspaceId: signedIn.workspaceId, ip: request.ip }, 'invite accepted; signed in');
        return startSession(reply, signedIn);
      } catch (err) {
        if (err instanceof AppError && err.code === 'invalid_invite') request.log.warn({ event: 'invite_refused', ip: request.ip }, 'invite token refused');
        throw err;
      }
    });
  };
