import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Deal, DealCreate, DealUpdate } from './deals.schema.ts';

const tags = ['deals'];

export const dealsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { deals } = deps.services;

    app.post('/v1/contacts/:id/deals', {
      schema: { operationId: 'createDeal', etag: true, tags, summary: 'Create a deal for a contact', params: IdParams, body: DealCreate, response: { 201: Deal, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const item = await deals.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, item.version);
      return reply.status(201).header('location', `/v1/deals/${item.id}`).send(item);
    });

    app.get('/v1/contacts/:id/deals', {
      schema: { operationId: 'listContactDeals', tags, summary: "A contact's deals, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Deal), ...problemResponses(400, 401, 404) } },
    }, async (request) => deals.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/deals/:id', {
      schema: { operationId: 'getDeal', etag: true, tags, summary: 'Get a deal', params: IdParams, response: { 200: Deal, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const item = await deals.get(actorOf(request), request.params.id);
      setEtag(reply, item.version);
      return item;
    });

    app.patch('/v1/deals/:id', {
      schema: { operationId: 'updateDeal', etag: true, ifMatch: true, tags, summary: 'Update a deal; `null` clears a field; honours If-Match', params: IdParams, body: DealUpdate, response: { 200: Deal, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const item = await deals.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, item.version);
      return item;
    });

    app.delete('/v1/deals/:id', {
      schema: { operationId: 'deleteDeal', ifMatch: true, tags, summary: 'Delete a deal', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await deals.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
