import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { inWorkspace } from '../tenant-scope.ts';
import { idempotentHandler, storeFailedResponse } from './idempotency.ts';

type Handler = (this: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;

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
    const handler = methods.includes('POST') ? idempotentHandler(database, clock, route.handler as Handler) : (route.handler as Handler);
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
