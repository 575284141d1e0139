import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Comment, CommentCreate, CommentUpdate } from './comments.schema.ts';

const tags = ['comments'];

export const commentsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { comments } = deps.services;

    app.post('/v1/contacts/:id/comments', {
      schema: { operationId: 'createComment', etag: true, tags, summary: 'Create a comment for a contact', params: IdParams, body: CommentCreate, response: { 201: Comment, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const item = await comments.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, item.version);
      return reply.status(201).header('location', `/v1/comments/${item.id}`).send(item);
    });

    app.get('/v1/contacts/:id/comments', {
      schema: { operationId: 'listContactComments', tags, summary: "A contact's comments, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Comment), ...problemResponses(400, 401, 404) } },
    }, async (request) => comments.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/comments/:id', {
      schema: { operationId: 'getComment', etag: true, tags, summary: 'Get a comment', params: IdParams, response: { 200: Comment, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const item = await comments.get(actorOf(request), request.params.id);
      setEtag(reply, item.version);
      return item;
    });

    app.patch('/v1/comments/:id', {
      schema: { operationId: 'updateComment', etag: true, ifMatch: true, tags, summary: 'Update a comment; `null` clears a field; honours If-Match', params: IdParams, body: CommentUpdate, response: { 200: Comment, ...problemResponses(401, 403, 404, 412, 422) } },
    }, async (request, reply) => {
      const item = await comments.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, item.version);
      return item;
    });

    app.delete('/v1/comments/:id', {
      schema: { operationId: 'deleteComment', ifMatch: true, tags, summary: 'Delete a comment', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 403, 404, 412) } },
    }, async (request, reply) => {
      await comments.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
