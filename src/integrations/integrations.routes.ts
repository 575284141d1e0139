import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { EventListQuery, EventParams, Integration, IntegrationCreate, IntegrationEvent, IntegrationUpdate } from './integrations.schema.ts';

const tags = ['integrations'];

/** Admin API of integrations: connect, change, remove, status, recent events and replay. */
export const integrationsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { integrations } = deps.services;

    app.post('/v1/integrations', {
      schema: { operationId: 'createIntegration', etag: true, tags, summary: 'Connect an outside service (admin); secrets are stored encrypted and never shown again', body: IntegrationCreate, response: { 201: Integration, ...problemResponses(401, 403, 422) } },
    }, async (request, reply) => {
      const integration = await integrations.create(actorOf(request), request.body);
      setEtag(reply, integration.version);
      return reply.status(201).header('location', `/v1/integrations/${integration.id}`).send(integration);
    });

    app.get('/v1/integrations', {
      schema: { operationId: 'listIntegrations', tags, summary: 'Integrations of the workspace with their status (admin)', response: { 200: z.object({ data: z.array(Integration), nextCursor: z.null() }).meta({ id: 'IntegrationList' }), ...problemResponses(401, 403) } },
    }, async (request) => ({ data: await integrations.list(actorOf(request)), nextCursor: null }));

    app.get('/v1/integrations/:id', {
      schema: { operationId: 'getIntegration', etag: true, tags, summary: 'An integration: settings, which secrets are set, webhook URL, status (admin)', params: IdParams, response: { 200: Integration, ...problemResponses(401, 403, 404) } },
    }, async (request, reply) => {
      const integration = await integrations.get(actorOf(request), request.params.id);
      setEtag(reply, integration.version);
      return integration;
    });

    app.patch('/v1/integrations/:id', {
      schema: { operationId: 'updateIntegration', etag: true, ifMatch: true, tags, summary: 'Change name, settings or secrets (rotation); honours If-Match (admin)', params: IdParams, body: IntegrationUpdate, response: { 200: Integration, ...problemResponses(401, 403, 404, 412, 422) } },
    }, async (request, reply) => {
      const integration = await integrations.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, integration.version);
      return integration;
    });

    app.delete('/v1/integrations/:id', {
      schema: { operationId: 'deleteIntegration', tags, summary: 'Disconnect an integration and drop its event log (admin)', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 403, 404) } },
    }, async (request, reply) => {
      await integrations.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    app.get('/v1/integrations/:id/events', {
      schema: { operationId: 'listIntegrationEvents', tags, summary: 'Recent webhook events, newest first: received, processed or failed with the reason (admin)', params: IdParams, querystring: EventListQuery, response: { 200: z.object({ data: z.array(IntegrationEvent), nextCursor: z.null() }).meta({ id: 'IntegrationEventList' }), ...problemResponses(400, 401, 403, 404) } },
    }, async (request) => ({ data: await integrations.events(actorOf(request), request.params.id, request.query), nextCursor: null }));

    app.post('/v1/integrations/:id/events/:eventId/replay', {
      schema: { operationId: 'replayIntegrationEvent', tags, summary: 'Process a stored event again, in a job (admin); its effects are never applied twice', params: EventParams, response: { 202: IntegrationEvent, ...problemResponses(401, 403, 404) } },
    }, async (request, reply) => reply.status(202).send(await integrations.replay(actorOf(request), request.params.id, request.params.eventId)));
  };
