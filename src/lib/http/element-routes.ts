import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../actor.ts';
import type { Page } from '../pagination.ts';
import { IdParams, pageOf, problemResponses } from './common-schemas.ts';
import { ElementListQuery } from './element-schemas.ts';
import { ifMatchVersion, setEtag } from './etag.ts';

/** The service calls the five element routes make. */
export type ElementService<Out, Create, Update> = {
  create(actor: Actor, contactId: string, input: Create): Promise<Out>;
  list(actor: Actor, contactId: string, q: ElementListQuery): Promise<Page<Out>>;
  get(actor: Actor, id: string): Promise<Out>;
  update(actor: Actor, id: string, patch: Update, opts: { ifMatch?: number }): Promise<Out>;
  remove(actor: Actor, id: string, opts: { ifMatch?: number }): Promise<void>;
};

/**
 * The routes of a contact element, the same for deals, tasks, meetings, comments and calls:
 * create and list under `/v1/contacts/{id}/<plural>`, get, patch and delete at `/v1/<plural>/{id}`,
 * with ETags, If-Match, `Location`, and operation ids named after the element (`createDeal`,
 * `listContactDeals`…). `actorOf` is passed in: lib does not import the auth feature.
 */
export function elementRoutes<R extends z.ZodType<{ id: string; version: number }>, C extends z.ZodType, U extends z.ZodType>(spec: {
  /** Singular, as in summaries ("deal"); the operation ids capitalise it. */
  noun: string;
  /** The path segment and tag ("deals"). */
  plural: string;
  schemas: { resource: R; create: C; update: U };
  service: ElementService<z.infer<R>, z.infer<C>, z.infer<U>>;
  actorOf: (request: FastifyRequest) => Actor;
  /** Summaries that say more than the generic ones (calls update attention). */
  summaries?: Partial<Record<'create' | 'list' | 'get' | 'update' | 'delete', string>>;
  /** Statuses a change or delete may answer besides the usual (403 when only the author may). */
  changeStatuses?: number[];
}): FastifyPluginAsyncZod {
  const { noun, plural, schemas, service, actorOf } = spec;
  const Name = noun.replace(/(^|\s)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
  const PluralName = plural.charAt(0).toUpperCase() + plural.slice(1);
  const tags = [plural];
  const summary = {
    create: `Create a ${noun} for a contact`,
    list: `A contact's ${plural}, newest first`,
    get: `Get a ${noun}`,
    update: `Update a ${noun}; \`null\` clears a field; honours If-Match`,
    delete: `Delete a ${noun}`,
    ...spec.summaries,
  };
  const extra = spec.changeStatuses ?? [];

  type Req = FastifyRequest<{ Params: { id: string }; Body: unknown; Querystring: ElementListQuery }>;
  return async (zodApp) => {
    // Fastify cannot infer handler types from schemas that are type parameters; the schemas still
    // validate every request and response at run time, so the handlers take them as checked.
    const app = zodApp as unknown as FastifyInstance;
    app.post(`/v1/contacts/:id/${plural}`, {
      schema: { operationId: `create${Name}`, etag: true, tags, summary: summary.create, params: IdParams, body: schemas.create, response: { 201: schemas.resource, ...problemResponses(401, 404, 422) } },
    }, async (request: Req, reply) => {
      const item = await service.create(actorOf(request), request.params.id, request.body as z.infer<C>);
      setEtag(reply, item.version);
      return reply.status(201).header('location', `/v1/${plural}/${item.id}`).send(item);
    });

    app.get(`/v1/contacts/:id/${plural}`, {
      schema: { operationId: `listContact${PluralName}`, tags, summary: summary.list, params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(schemas.resource), ...problemResponses(400, 401, 404) } },
    }, async (request: Req) => service.list(actorOf(request), request.params.id, request.query));

    app.get(`/v1/${plural}/:id`, {
      schema: { operationId: `get${Name}`, etag: true, tags, summary: summary.get, params: IdParams, response: { 200: schemas.resource, ...problemResponses(401, 404) } },
    }, async (request: Req, reply) => {
      const item = await service.get(actorOf(request), request.params.id);
      setEtag(reply, item.version);
      return item;
    });

    app.patch(`/v1/${plural}/:id`, {
      schema: { operationId: `update${Name}`, etag: true, ifMatch: true, tags, summary: summary.update, params: IdParams, body: schemas.update, response: { 200: schemas.resource, ...problemResponses(401, ...extra, 404, 412, 422) } },
    }, async (request: Req, reply) => {
      const item = await service.update(actorOf(request), request.params.id, request.body as z.infer<U>, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, item.version);
      return item;
    });

    app.delete(`/v1/${plural}/:id`, {
      schema: { operationId: `delete${Name}`, ifMatch: true, tags, summary: summary.delete, params: IdParams, response: { 204: z.null(), ...problemResponses(401, ...extra, 404, 412) } },
    }, async (request: Req, reply) => {
      await service.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
}
