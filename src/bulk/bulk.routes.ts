import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { BulkRequest, Job } from './bulk.schema.ts';
import { makeBulkService } from './bulk.service.ts';

export const bulkRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const bulk = makeBulkService(deps);

    app.post('/v1/contacts/bulk', {
      schema: {
        operationId: 'applyContactBulkAction',
        description:
          'Selects contacts by `ids` (up to 1,000) or by `filter`/`q`, and applies one action to each. Up to 100 ids are done at once and answer 200 with the finished job; more ids or a filter answer 202 with the job to poll at `Location` (`GET /v1/jobs/{id}`). Failures are per contact, listed in the job\'s result.',
        tags: ['contacts'],
        summary: 'Apply one action to listed contacts (≤ 1000 ids) or to all contacts matching a filter; up to 100 ids answer 200, more or a filter 202 with a job',
        body: BulkRequest,
        response: { 200: Job, 202: Job, ...problemResponses(401, 422) },
      },
    }, async (request, reply) => {
      const { job, async } = await bulk.start(actorOf(request), request.body);
      if (!async) return job;
      return reply.status(202).header('location', `/v1/jobs/${job.id}`).send(job);
    });

    app.get('/v1/jobs/:id', {
      schema: { operationId: 'getJob', tags: ['jobs'], summary: 'A long-running job: status, progress {done, failed, total}, failures with reasons', params: IdParams, response: { 200: Job, ...problemResponses(401, 404) } },
    }, async (request) => bulk.get(actorOf(request), request.params.id));
  };
