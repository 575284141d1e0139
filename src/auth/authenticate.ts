import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import { rateLimited, type AuthFailureBudget } from '../lib/http/rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
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

/**
 * `Authorization: Bearer <api key>` → the Actor every service call takes. With a failure budget,
 * an IP (or a credential at that IP) that failed too often is refused with 429 before the key is
 * hashed or looked up; each failure is counted after the lookup. Successful requests are not
 * counted here (their budget is per key, in registerRateLimit).
 */
export function registerAuthentication(app: FastifyInstance, apiKeys: KeyVerifier, failures?: { budget: AuthFailureBudget; clock: Clock }): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // Only the API needs credentials; health, docs and the OpenAPI document are public.
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/v1/') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    const presented = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (failures) {
      const spent = await failures.budget.check(request.ip, presented);
      if (spent) {
        request.log.warn({ event: 'rate_limited', policy: spent.policy }, 'refused before authentication: too many failures');
        throw rateLimited(reply, spent, failures.clock.now().getTime(), 'failed authentications');
      }
    }
    const actor = presented ? await apiKeys.authenticate(presented) : undefined;
    if (actor) {
      request.actor = actor;
      return;
    }
    await failures?.budget.record(request.ip, presented);
    if (!header) {
      reply.header('www-authenticate', 'Bearer');
      throw unauthenticated('Send your API key as Authorization: Bearer <key>');
    }
    reply.header('www-authenticate', 'Bearer error="invalid_token"');
    throw unauthenticated('The API key is unknown or revoked');
  });
}

/** The authenticated actor; routes behind authentication always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated('Not authenticated');
  return request.actor;
}
