import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { TemplateSyncResult } from '../integrations/integrations.schema.ts';

export const whatsappCloudRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { whatsappCloud } = deps.services;

    app.post('/v1/integrations/:id/sync-templates', {
      schema: {
        operationId: 'syncIntegrationTemplates',
        tags: ['integrations'],
        summary: "Read the WhatsApp Business account's approved templates into the workspace's templates (admin)",
        params: IdParams,
        response: { 200: TemplateSyncResult, ...problemResponses(401, 403, 404, 502) },
      },
    }, async (request) => whatsappCloud.syncTemplates(actorOf(request), request.params.id));
  };
