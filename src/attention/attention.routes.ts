import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import { Contact } from '../contacts/contacts.schema.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { setEtag } from '../lib/http/etag.ts';
import { AttentionQueueQuery } from './attention.schema.ts';

const tags = ['attention'];

export const attentionRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { attention } = deps.services;

    app.get('/v1/attention-queue', {
      schema: { operationId: 'listAttentionQueue', tags, summary: 'Contacts pending attention, longest waiting first', querystring: AttentionQueueQuery, response: { 200: pageOf(Contact), ...problemResponses(400, 401) } },
    }, async (request) => attention.queue(actorOf(request), request.query));

    app.post('/v1/contacts/:id/ignore', {
      schema: { operationId: 'ignoreContact', etag: true, tags, summary: 'Ignore a contact: deletes its pending tasks, clears its reasons, silences it', params: IdParams, response: { 200: Contact, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const contact = await attention.ignore(actorOf(request), request.params.id);
      setEtag(reply, contact.version);
      return contact;
    });

    app.post('/v1/contacts/:id/unignore', {
      schema: { operationId: 'unignoreContact', etag: true, tags, summary: 'Stop ignoring a contact (restores nothing)', params: IdParams, response: { 200: Contact, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const contact = await attention.unignore(actorOf(request), request.params.id);
      setEtag(reply, contact.version);
      return contact;
    });
  };
