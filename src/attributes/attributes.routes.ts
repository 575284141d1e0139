import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Attribute, AttributeCreate, AttributeUpdate, ChangeModeQuery, DeleteModeQuery } from './attributes.schema.ts';

const tags = ['contact-attributes'];

export const attributesRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { contactAttributes } = deps.services;

    app.get('/v1/contact-attributes', {
      schema: { operationId: 'listContactAttributes', tags, summary: 'Contact attribute definitions, in display order', response: { 200: z.object({ data: z.array(Attribute) }), ...problemResponses(401) } },
    }, async (request) => ({ data: await contactAttributes.list(actorOf(request)) }));

    app.post('/v1/contact-attributes', {
      schema: { operationId: 'createContactAttribute', etag: true, tags, summary: 'Define a contact attribute (admin)', body: AttributeCreate, response: { 201: Attribute, ...problemResponses(401, 403, 409, 422) } },
    }, async (request, reply) => {
      const a = await contactAttributes.create(actorOf(request), request.body);
      setEtag(reply, a.version);
      return reply.status(201).header('location', `/v1/contact-attributes/${a.id}`).send(a);
    });

    app.get('/v1/contact-attributes/:id', {
      schema: { operationId: 'getContactAttribute', etag: true, tags, summary: 'A contact attribute definition', params: IdParams, response: { 200: Attribute, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const a = await contactAttributes.get(actorOf(request), request.params.id);
      setEtag(reply, a.version);
      return a;
    });

    app.patch('/v1/contact-attributes/:id', {
      schema: {
        operationId: 'updateContactAttribute',
        etag: true,
        ifMatch: true,
        tags,
        summary: 'Change a definition (admin). A type change or removed options with stored values is refused (409 `attribute_in_use` with the count) unless ?mode=convert|clear',
        params: IdParams, querystring: ChangeModeQuery, body: AttributeUpdate, response: { 200: Attribute, ...problemResponses(401, 403, 404, 409, 412, 422) },
      },
    }, async (request, reply) => {
      const a = await contactAttributes.update(actorOf(request), request.params.id, request.body, { mode: request.query.mode, ifMatch: ifMatchVersion(request) });
      setEtag(reply, a.version);
      return a;
    });

    app.delete('/v1/contact-attributes/:id', {
      schema: { operationId: 'deleteContactAttribute', ifMatch: true, tags, summary: 'Delete a definition (admin); with stored values only with ?mode=clear', params: IdParams, querystring: DeleteModeQuery, response: { 204: z.null(), ...problemResponses(401, 403, 404, 409, 412) } },
    }, async (request, reply) => {
      await contactAttributes.remove(actorOf(request), request.params.id, { mode: request.query.mode, ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
