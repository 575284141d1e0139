import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses, singleLineText } from '../lib/http/common-schemas.ts';
import { RoleSchema } from '../workspaces/workspaces.schema.ts';

const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
}).meta({ id: 'ApiKey' });
/** Only the create answer carries the secret. */
const ApiKeyWithSecret = ApiKey.extend({ secret: z.string().meta({ description: 'The key to send as `Authorization: Bearer …`; shown only here' }) }).meta({ id: 'ApiKeyWithSecret' });
const ApiKeyCreate = z.object({ name: singleLineText(100).trim().min(1), role: RoleSchema.optional() }).strict().meta({ id: 'ApiKeyCreate' });
const tags = ['api-keys'];

export const apiKeysRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { apiKeys } = deps.services;

    app.post('/v1/api-keys', {
      // The answer carries the key's secret: a stored idempotent replay would keep it in plain text.
      schema: { operationId: 'createApiKey', idempotency: false, tags, summary: 'Create an API key; `secret` is shown only in this response', body: ApiKeyCreate, response: { 201: ApiKeyWithSecret, ...problemResponses(401, 403, 422) } },
    }, async (request, reply) => {
      const key = await apiKeys.create(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/api-keys/${key.id}`).send(key);
    });

    app.get('/v1/api-keys', {
      schema: { operationId: 'listApiKeys', tags, summary: 'API keys of the workspace (never their secrets)', response: { 200: z.object({ data: z.array(ApiKey) }), ...problemResponses(401, 403) } },
    }, async (request) => ({ data: await apiKeys.list(actorOf(request)) }));

    app.delete('/v1/api-keys/:id', {
      schema: { operationId: 'revokeApiKey', tags, summary: 'Revoke an API key (immediate)', params: IdParams, response: { 200: ApiKey, ...problemResponses(401, 403, 404) } },
    }, async (request) => apiKeys.revoke(actorOf(request), request.params.id));
  };
