import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { Email, EmailCreate, EmailSend } from './communications.schema.ts';

const tags = ['emails'];

export const emailsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { emails } = deps.services;

    app.post('/v1/contacts/:id/emails', {
      schema: { operationId: 'recordEmail', tags, summary: 'Record an email received or sent elsewhere (does not send)', params: IdParams, body: EmailCreate, response: { 201: Email, ...problemResponses(401, 404, 409, 422) } },
    }, async (request, reply) => {
      const email = await emails.create(actorOf(request), request.params.id, request.body);
      return reply.status(201).header('location', `/v1/emails/${email.id}`).send(email);
    });

    app.post('/v1/contacts/:id/emails/send', {
      schema: { operationId: 'sendEmail', tags, summary: 'Send an email (consent checked for its purpose; delivered by a job)', params: IdParams, body: EmailSend, response: { 201: Email, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const email = await emails.send(actorOf(request), request.params.id, request.body);
      return reply.status(201).header('location', `/v1/emails/${email.id}`).send(email);
    });

    app.get('/v1/contacts/:id/emails', {
      schema: { operationId: 'listContactEmails', tags, summary: "A contact's emails, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Email), ...problemResponses(400, 401, 404) } },
    }, async (request) => emails.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/emails/:id', {
      schema: { operationId: 'getEmail', tags, summary: 'Get an email', params: IdParams, response: { 200: Email, ...problemResponses(401, 404) } },
    }, async (request) => emails.get(actorOf(request), request.params.id));

    app.delete('/v1/emails/:id', {
      schema: { operationId: 'deleteEmail', tags, summary: 'Delete an email record', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      await emails.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
