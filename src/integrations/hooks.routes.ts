import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { problemResponses } from '../lib/http/common-schemas.ts';
import { HookParams } from './integrations.schema.ts';

const tags = ['integrations'];

/** Meta allows 3 MB per delivery; a larger body is refused (413) before anything is stored. */
export const HOOK_BODY_LIMIT = 3 * 1024 * 1024;

/**
 * The received bytes, held where the input guard's walk over `request.body` does not see them
 * (it would count every byte of a Buffer as a value): a private field is not enumerable.
 */
class RawBody {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

/**
 * Public webhook receivers, `/v1/hooks/{provider}/{integrationId}`. No API key: each request is
 * authenticated by the provider's signature over the exact bytes received, so this plugin (and
 * only it) keeps bodies raw: every content type is read into a Buffer, never parsed first.
 */
export const hooksRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { integrations } = deps.services;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: HOOK_BODY_LIMIT }, (_request, body, done) => done(null, new RawBody(body as Buffer)));

    app.get('/v1/hooks/:provider/:integrationId', {
      config: { public: true },
      schema: {
        operationId: 'verifyWebhookSubscription',
        tags,
        summary: "The provider's subscription handshake (Meta: hub.mode, hub.verify_token, hub.challenge echoed)",
        params: HookParams,
        querystring: z.object({
          'hub.mode': z.string().max(64).optional().meta({ description: '`subscribe`' }),
          'hub.verify_token': z.string().max(512).optional().meta({ description: 'The verify token set on the integration' }),
          'hub.challenge': z.string().max(256).optional().meta({ description: 'Echoed back as the whole answer' }),
        }),
        response: { 200: z.string().meta({ id: 'WebhookChallenge' }), ...problemResponses(403, 404) },
      },
    }, async (request, reply) => {
      const challenge = await integrations.handshake(request.params.provider, request.params.integrationId, request.query);
      return reply.type('text/plain; charset=utf-8').send(challenge);
    });

    app.post('/v1/hooks/:provider/:integrationId', {
      config: { public: true },
      bodyLimit: HOOK_BODY_LIMIT,
      schema: {
        operationId: 'receiveWebhook',
        tags,
        summary: "A provider's event delivery, signed over the raw body; stored once per event id and processed in a job",
        params: HookParams,
        response: { 200: z.object({ received: z.number().int(), stored: z.number().int() }).meta({ id: 'WebhookReceipt' }), ...problemResponses(401, 404, 413) },
      },
    }, async (request) => {
      const raw = request.body instanceof RawBody ? request.body.bytes : Buffer.alloc(0);
      return integrations.receive(request.params.provider, request.params.integrationId, raw, request.headers, { method: request.method, url: request.url });
    });
  };
