import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Call, CallCreate, CallUpdate } from './communications.schema.ts';

const tags = ['calls'];

export const callsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { calls } = deps.services;

    app.post('/v1/contacts/:id/calls', {
      schema: { operationId: 'createCall', etag: true, tags, summary: 'Record a call (updates pending attention)', params: IdParams, body: CallCreate, response: { 201: Call, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const call = await calls.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, call.version);
      return reply.status(201).header('location', `/v1/calls/${call.id}`).send(call);
    });

    app.get('/v1/contacts/:id/calls', {
      schema: { operationId: 'listContactCalls', tags, summary: "A contact's calls, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Call), ...problemResponses(400, 401, 404) } },
    }, async (request) => calls.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/calls/:id', {
      schema: { operationId: 'getCall', etag: true, tags, summary: 'Get a call', params: IdParams, response: { 200: Call, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const call = await calls.get(actorOf(request), request.params.id);
      setEtag(reply, call.version);
      return call;
    });

    app.patch('/v1/calls/:id', {
      schema: { operationId: 'updateCall', etag: true, ifMatch: true, tags, summary: 'Update outcome, duration or recording; honours If-Match', params: IdParams, body: CallUpdate, response: { 200: Call, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const call = await calls.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, call.version);
      return call;
    });

    app.delete('/v1/calls/:id', {
      schema: { operationId: 'deleteCall', ifMatch: true, tags, summary: 'Delete a call record', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await calls.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
