import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError } from '../errors.ts';
import { inWorkspace } from '../tenant-scope.ts';
import { idempotentHandler, storeFailedResponse } from './idempotency.ts';

type Handler = (this: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;

/** A POST marked `idempotency: false` refuses the key plainly rather than storing what it must not. */
const refusingIdempotencyKey = (handler: Handler): Handler =>
  function (this: unknown, request, reply) {
    if (request.headers['idempotency-key'] !== undefined) {
      throw new AppError('idempotency_key_not_accepted', 'This request takes no Idempotency-Key: its answer is not stored for replay (a read, or a one-time secret)', {
        status: 400,
        errors: [{ pointer: '/headers/idempotency-key', code: 'not_accepted', message: 'not accepted on this route' }],
      });
    }
    return handler.call(this, request, reply);
  };

/**
 * Every route handler runs in the tenant scope of the authenticated actor, so each query it
 * makes is held by row-level security to that workspace, and a POST with `Idempotency-Key` runs
 * exactly once. Wrapping the handler (rather than setting the scope in a hook) keeps the scope
 * on everything the handler awaits. Must be registered before the routes.
 */
export function registerTenantHandlers(app: FastifyInstance, database: Database, clock: Clock): void {
  app.addHook('onRoute', (route) => {
    // Only a POST may carry an Idempotency-Key: other handlers run as they are.
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const own = route.handler as Handler;
    const handler = !methods.includes('POST') ? own : route.schema?.idempotency === false ? refusingIdempotencyKey(own) : idempotentHandler(database, clock, own);
    route.handler = function (this: unknown, request: FastifyRequest, reply: FastifyReply) {
      const workspaceId = request.actor?.workspaceId;
      if (!workspaceId) return handler.call(this, request, reply);
      return inWorkspace(workspaceId, () => handler.call(this, request, reply));
    } as typeof route.handler;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.idempotencyClaim) await storeFailedResponse(database, clock, request, reply, payload);
    return payload;
  });
}
