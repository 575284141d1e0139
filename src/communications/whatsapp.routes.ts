import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { WhatsappCreate, WhatsappMessage, WhatsappUpdate } from './communications.schema.ts';
import { WhatsappTemplate, WhatsappTemplateCreate, WhatsappTemplateUpdate } from './whatsapp-templates.ts';

export const whatsappRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { whatsapp, whatsappTemplates } = deps.services;
    const tags = ['whatsapp'];

    app.post('/v1/contacts/:id/whatsapp-messages', {
      schema: {
        operationId: 'createWhatsappMessage',
        etag: true,
        tags,
        summary: 'Send a WhatsApp message (direction outbound) or record one received (direction inbound)',
        description: 'Outbound needs the consent of its purpose; free-form `text` needs the 24-hour window open (`whatsapp_window_closed` otherwise), a `template` does not.',
        params: IdParams,
        body: WhatsappCreate,
        response: { 201: WhatsappMessage, ...problemResponses(401, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const message = await whatsapp.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, message.version);
      return reply.status(201).header('location', `/v1/whatsapp-messages/${message.id}`).send(message);
    });

    app.get('/v1/contacts/:id/whatsapp-messages', {
      schema: { operationId: 'listContactWhatsappMessages', tags, summary: "A contact's WhatsApp messages, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(WhatsappMessage), ...problemResponses(400, 401, 404) } },
    }, async (request) => whatsapp.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/whatsapp-messages/:id', {
      schema: { operationId: 'getWhatsappMessage', etag: true, tags, summary: 'Get a WhatsApp message', params: IdParams, response: { 200: WhatsappMessage, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const message = await whatsapp.get(actorOf(request), request.params.id);
      setEtag(reply, message.version);
      return message;
    });

    app.patch('/v1/whatsapp-messages/:id', {
      schema: { operationId: 'updateWhatsappMessageStatus', etag: true, ifMatch: true, tags, summary: 'Set the delivery status of an outbound message', params: IdParams, body: WhatsappUpdate, response: { 200: WhatsappMessage, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const message = await whatsapp.updateStatus(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, message.version);
      return message;
    });

    app.delete('/v1/whatsapp-messages/:id', {
      schema: { operationId: 'deleteWhatsappMessage', tags, summary: 'Delete a WhatsApp message record', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      await whatsapp.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    const ttags = ['whatsapp-templates'];
    app.get('/v1/whatsapp-templates', {
      schema: { operationId: 'listWhatsappTemplates', tags: ttags, summary: 'Approved WhatsApp templates of the workspace', response: { 200: z.object({ data: z.array(WhatsappTemplate) }), ...problemResponses(401) } },
    }, async (request) => ({ data: await whatsappTemplates.list(actorOf(request)) }));

    app.get('/v1/whatsapp-templates/:id', {
      schema: { operationId: 'getWhatsappTemplate', tags: ttags, summary: 'Get a template', params: IdParams, response: { 200: WhatsappTemplate, ...problemResponses(401, 404) } },
    }, async (request) => whatsappTemplates.get(actorOf(request), request.params.id));

    app.post('/v1/whatsapp-templates', {
      schema: { operationId: 'createWhatsappTemplate', tags: ttags, summary: 'Add a template (admin)', body: WhatsappTemplateCreate, response: { 201: WhatsappTemplate, ...problemResponses(401, 403, 409, 422) } },
    }, async (request, reply) => {
      const template = await whatsappTemplates.create(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/whatsapp-templates/${template.id}`).send(template);
    });

    app.patch('/v1/whatsapp-templates/:id', {
      schema: { operationId: 'updateWhatsappTemplate', ifMatch: true, tags: ttags, summary: 'Change a template (admin); honours If-Match', params: IdParams, body: WhatsappTemplateUpdate, response: { 200: WhatsappTemplate, ...problemResponses(401, 403, 404, 412, 422) } },
    }, async (request) => whatsappTemplates.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) }));

    app.delete('/v1/whatsapp-templates/:id', {
      schema: { operationId: 'deleteWhatsappTemplate', tags: ttags, summary: 'Remove a template (admin)', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 403, 404) } },
    }, async (request, reply) => {
      await whatsappTemplates.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    });
  };
