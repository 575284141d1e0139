import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { SavedView, SavedViewCreate, SavedViewUpdate } from './saved-views.schema.ts';

const tags = ['saved-views'];

export const savedViewsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { savedViews } = deps.services;

    app.post('/v1/saved-views', {
      schema: { operationId: 'createSavedView', etag: true, tags, summary: 'Save a contact view: name, filter tree, sort, columns; private or shared', body: SavedViewCreate, response: { 201: SavedView, ...problemResponses(401, 422) } },
    }, async (request, reply) => {
      const view = await savedViews.create(actorOf(request), request.body);
      setEtag(reply, view.version);
      return reply.status(201).header('location', `/v1/saved-views/${view.id}`).send(view);
    });

    app.get('/v1/saved-views', {
      schema: { operationId: 'listSavedViews', tags, summary: "The caller's private views and the workspace's shared ones, by name", response: { 200: z.object({ data: z.array(SavedView), nextCursor: z.null() }), ...problemResponses(401) } },
    }, async (request) => ({ data: await savedViews.list(actorOf(request)), nextCursor: null }));

    app.get('/v1/saved-views/:id', {
      schema: { operationId: 'getSavedView', etag: true, tags, summary: 'A saved view (a private one only for its creator)', params: IdParams, response: { 200: SavedView, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const view = await savedViews.get(actorOf(request), request.params.id);
      setEtag(reply, view.version);
      return view;
    });

    app.patch('/v1/saved-views/:id', {
      schema: { operationId: 'updateSavedView', etag: true, ifMatch: true, tags, summary: 'Change a saved view (its creator, or an admin for a shared one); honours If-Match', params: IdParams, body: SavedViewUpdate, response: { 200: SavedView, ...problemResponses(401, 403, 404, 412, 422) } },
    }, async (request, reply) => {
      const view = await savedViews.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, view.version);
      return view;
    });

    app.delete('/v1/saved-views/:id', {
      schema: { operationId: 'deleteSavedView', tags, summary: 'Delete a saved view', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 403, 404) } },
    }, async (request, reply) => {
      await savedViews.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
