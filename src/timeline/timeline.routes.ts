import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { TimelineItem, TimelineQuery } from './timeline.schema.ts';

export const timelineRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/contacts/:id/timeline', {
      schema: {
        operationId: 'listContactTimeline',
        tags: ['timeline'],
        summary: 'Everything that happened to a contact, newest first (keyset pagination)',
        params: IdParams,
        querystring: TimelineQuery,
        response: { 200: pageOf(TimelineItem), ...problemResponses(400, 401, 404) },
      },
    }, async (request) => deps.services.timeline.list(actorOf(request), request.params.id, request.query));
  };
