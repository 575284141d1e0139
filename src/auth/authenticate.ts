import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeysService } from '../api-keys/api-keys.service.ts';
import type { Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';

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

/** `Authorization: Bearer <api key>` → the Actor every service call takes. */
export function registerAuthentication(app: FastifyInstance, apiKeys: ApiKeysService): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // Only the API needs credentials; health, docs and the OpenAPI document are public.
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/v1/') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (!header) {
      reply.header('www-authenticate', 'Bearer');
      throw unauthenticated('Send your API key as Authorization: Bearer <key>');
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = m ? await apiKeys.authenticate(m[1]!) : undefined;
    if (!actor) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw unauthenticated('The API key is unknown or revoked');
    }
    request.actor = actor;
  });
}

/** The authenticated actor; routes behind authentication always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated('Not authenticated');
  return request.actor;
}
