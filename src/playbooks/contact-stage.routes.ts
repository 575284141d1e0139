import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { Contact } from '../contacts/contacts.schema.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { StageAssignment, StageChange, StageDuration } from './playbooks.schema.ts';

const tags = ['contacts', 'playbooks'];

export const contactStageRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { contactStages } = deps.services;

    app.put('/v1/contacts/:id/stage', {
      schema: { operationId: 'moveContactStage', description: 'Assigns the contact to a stage of a playbook, or moves it within one; the change is recorded in the stage history and restarts `secondsInStage`.', etag: true, ifMatch: true, tags, summary: "Put the contact in a stage of a playbook (assign or move); honours If-Match", params: IdParams, body: StageAssignment, response: { 200: Contact, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const contact = await contactStages.setStage(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, contact.version);
      return contact;
    });

    app.delete('/v1/contacts/:id/stage', {
      schema: { operationId: 'clearContactStage', etag: true, ifMatch: true, tags, summary: 'Take the contact out of its playbook', params: IdParams, response: { 200: Contact, ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      const contact = await contactStages.clearStage(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, contact.version);
      return contact;
    });

    app.get('/v1/contacts/:id/stage-history', {
      schema: { operationId: 'listContactStageHistory', tags, summary: 'Every stage change of the contact, oldest first', params: IdParams, response: { 200: z.object({ data: z.array(StageChange) }), ...problemResponses(401, 404) } },
    }, async (request) => ({ data: await contactStages.history(actorOf(request), request.params.id) }));

    app.get('/v1/contacts/:id/stage-durations', {
      schema: { operationId: 'getContactStageDurations', tags, summary: 'Seconds spent in each stage so far (the current one up to now)', params: IdParams, response: { 200: z.object({ data: z.array(StageDuration) }), ...problemResponses(401, 404) } },
    }, async (request) => ({ data: await contactStages.durations(actorOf(request), request.params.id) }));
  };
