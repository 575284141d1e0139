import { timingSafeEqual } from 'node:crypto';
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import { rateLimited, type AuthFailureBudget } from '../lib/http/rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    /** Set when the request was authenticated by the web app's session cookie. */
    userSession?: { id: string; csrfToken: string };
  }
  interface FastifyContextConfig {
    /** Routes that need no credentials (health, docs, signed webhooks). */
    public?: boolean;
  }
}

const unauthenticated = (why: string) =>
  new AppError('unauthenticated', why, { extra: {} });

/**
 * What authentication needs of the api-keys feature (its service, passed in by app.ts): auth
 * imports nothing of api-keys, whose routes import auth.
 */
export type KeyVerifier = { authenticate(secret: string): Promise<Actor | undefined> };

/** What authentication needs of the sessions feature (its service, passed in by app.ts). */
export type SessionVerifier = {
  authenticate(token: string): Promise<{ actor: Actor; sessionId: string; csrfToken: string; rotatedToken?: string } | undefined>;
};

/**
 * The web app's session cookie (R31): `__Host-` so it is Secure, host-only and Path=/; HttpOnly
 * so scripts cannot read it; SameSite=Lax so other sites' forms and fetches do not carry it on
 * unsafe methods. No Max-Age: the server ends sessions (idle and absolute limits); the browser
 * forgets the cookie when it closes.
 */
export const SESSION_COOKIE = '__Host-vixiees_session';
export const sessionCookie = (token: string): string =>
  fastifyCookie.serialize(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
export const clearedSessionCookie = (): string =>
  fastifyCookie.serialize(SESSION_COOKIE, '', { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 0, expires: new Date(0) });

/** The session cookie's value, if the request carries one. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  try {
    return fastifyCookie.parse(header)[SESSION_COOKIE] || undefined;
  } catch {
    return undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated unsafe requests (R31): a synchronizer token in
 * `X-CSRF-Token` equal to the session's (a cross-site page cannot read it, nor send a custom
 * header without a CORS preflight we never grant), plus Fetch Metadata and Origin: a browser's
 * `Sec-Fetch-Site: cross-site` or an `Origin` other than this host is refused. API keys need none
 * of this: browsers never attach them on their own.
 */
function csrfFailure(request: FastifyRequest, expected: string): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  if (request.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request (Sec-Fetch-Site)';
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (!host || host !== request.headers.host) return 'Origin is not this host';
  }
  const presented = request.headers['x-csrf-token'];
  if (typeof presented !== 'string' || !presented) return 'missing X-CSRF-Token';
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'wrong X-CSRF-Token';
  return undefined;
}

/**
 * `Authorization: Bearer <api key>`, or the web app's session cookie → the Actor every service
 * call takes. With a failure budget, an IP (or a credential at that IP) that failed too often is
 * refused with 429 before the key is hashed or looked up; each failure is counted after the
 * lookup. Successful requests are not counted here (their budget is per key, in registerRateLimit).
 * An `Authorization` header wins over a cookie.
 */
export function registerAuthentication(app: FastifyInstance, apiKeys: KeyVerifier, failures?: { budget: AuthFailureBudget; clock: Clock }, sessions?: SessionVerifier): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // Only the API needs credentials; health, docs and the OpenAPI document are public.
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/v1/') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    const presented = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    const cookie = !header && sessions ? sessionTokenOf(request) : undefined;
    if (failures) {
      const spent = await failures.budget.check(request.ip, presented);
      if (spent) {
        request.log.warn({ event: 'rate_limited', policy: spent.policy, ip: request.ip }, 'refused before authentication: too many failures');
        throw rateLimited(reply, spent, failures.clock.now().getTime(), 'failed authentications');
      }
    }
    if (cookie !== undefined && sessions) return authenticateSession(request, reply, sessions, cookie, failures?.budget);
    const actor = presented ? await apiKeys.authenticate(presented) : undefined;
    if (actor) {
      request.actor = actor;
      return;
    }
    await failures?.budget.record(request.ip, presented);
    if (!header) {
      reply.header('www-authenticate', 'Bearer');
      throw unauthenticated('Send your API key as Authorization: Bearer <key>, or sign in');
    }
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw unauthenticated('The API key is unknown or revoked');
  });
}

async function authenticateSession(request: FastifyRequest, reply: FastifyReply, sessions: SessionVerifier, token: string, budget: AuthFailureBudget | undefined): Promise<void> {
  const verified = await sessions.authenticate(token);
  if (!verified) {
    await budget?.record(request.ip, undefined);
    reply.header('set-cookie', clearedSessionCookie());
    throw unauthenticated('Your session has ended or is unknown; sign in again');
  }
  // Responses for a signed-in person are never stored by a browser or proxy (ASVS 14.3.2).
  reply.header('cache-control', 'no-store');
  if (verified.rotatedToken) reply.header('set-cookie', sessionCookie(verified.rotatedToken));
  const why = csrfFailure(request, verified.csrfToken);
  if (why) {
    request.log.warn({ event: 'csrf_failed', userId: verified.actor.userId, workspaceId: verified.actor.workspaceId, ip: request.ip, reason: why }, 'CSRF check failed');
    throw new AppError('csrf_failed', `Refused: ${why}. Send the session's csrfToken as X-CSRF-Token from this site.`, { status: 403 });
  }
  request.actor = verified.actor;
  request.userSession = { id: verified.sessionId, csrfToken: verified.csrfToken };
}

/** The authenticated actor; routes behind authentication always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated('Not authenticated');
  return request.actor;
}
