import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Meeting, MeetingCreate, MeetingUpdate } from './meetings.schema.ts';

const tags = ['meetings'];

export const meetingsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { meetings } = deps.services;

    app.post('/v1/contacts/:id/meetings', {
      schema: { operationId: 'createMeeting', etag: true, tags, summary: 'Create a meeting for a contact', params: IdParams, body: MeetingCreate, response: { 201: Meeting, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const item = await meetings.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, item.version);
      return reply.status(201).header('location', `/v1/meetings/${item.id}`).send(item);
    });

    app.get('/v1/contacts/:id/meetings', {
      schema: { operationId: 'listContactMeetings', tags, summary: "A contact's meetings, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Meeting), ...problemResponses(400, 401, 404) } },
    }, async (request) => meetings.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/meetings/:id', {
      schema: { operationId: 'getMeeting', etag: true, tags, summary: 'Get a meeting', params: IdParams, response: { 200: Meeting, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const item = await meetings.get(actorOf(request), request.params.id);
      setEtag(reply, item.version);
      return item;
    });

    app.patch('/v1/meetings/:id', {
      schema: { operationId: 'updateMeeting', etag: true, ifMatch: true, tags, summary: 'Update a meeting; `null` clears a field; honours If-Match', params: IdParams, body: MeetingUpdate, response: { 200: Meeting, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const item = await meetings.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, item.version);
      return item;
    });

    app.delete('/v1/meetings/:id', {
      schema: { operationId: 'deleteMeeting', ifMatch: true, tags, summary: 'Delete a meeting', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await meetings.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
