import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { playbookBoard } from './board.ts';
import {
  Board, BoardQuery, Playbook, PlaybookCreate, PlaybookListQuery, PlaybookOrder, PlaybookUpdate, Stage, StageCreate, StageOrder, StageParams, StageUpdate,
} from './playbooks.schema.ts';

const tags = ['playbooks'];

export const playbooksRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { playbooks } = deps.services;

    app.post('/v1/playbooks', {
      schema: { operationId: 'createPlaybook', etag: true, tags, summary: 'Create a playbook with its stages (admin)', body: PlaybookCreate, response: { 201: Playbook, ...problemResponses(401, 403, 409, 422) } },
    }, async (request, reply) => {
      const p = await playbooks.create(actorOf(request), request.body);
      setEtag(reply, p.version);
      return reply.status(201).header('location', `/v1/playbooks/${p.id}`).send(p);
    });

    app.get('/v1/playbooks', {
      schema: { operationId: 'listPlaybooks', tags, summary: 'Playbooks in display order, with their stages', querystring: PlaybookListQuery, response: { 200: z.object({ data: z.array(Playbook) }), ...problemResponses(401) } },
    }, async (request) => ({ data: await playbooks.list(actorOf(request), request.query.archived) }));

    app.post('/v1/playbooks/reorder', {
      schema: { operationId: 'reorderPlaybooks', tags, summary: 'Set the display order of all playbooks (admin)', body: PlaybookOrder, response: { 200: z.object({ data: z.array(Playbook) }), ...problemResponses(401, 403, 422) } },
    }, async (request) => ({ data: await playbooks.reorder(actorOf(request), request.body.playbookIds) }));

    app.get('/v1/playbooks/:id', {
      schema: { operationId: 'getPlaybook', etag: true, tags, summary: 'A playbook with its stages', params: IdParams, response: { 200: Playbook, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const p = await playbooks.get(actorOf(request), request.params.id);
      setEtag(reply, p.version);
      return p;
    });

    app.patch('/v1/playbooks/:id', {
      schema: { operationId: 'updatePlaybook', etag: true, ifMatch: true, tags, summary: 'Rename or (un)archive a playbook (admin); honours If-Match', params: IdParams, body: PlaybookUpdate, response: { 200: Playbook, ...problemResponses(401, 403, 404, 409, 412, 422) } },
    }, async (request, reply) => {
      const p = await playbooks.update(actorOf(request), request.params.id, request.body, ifMatchVersion(request));
      setEtag(reply, p.version);
      return p;
    });

    app.get('/v1/playbooks/:id/board', {
      schema: { operationId: 'getPlaybookBoard', tags, summary: 'Board: per stage its count, stale count and first contacts', params: IdParams, querystring: BoardQuery, response: { 200: Board, ...problemResponses(401, 404) } },
    }, async (request) => playbookBoard(deps, actorOf(request), request.params.id, request.query));

    app.post('/v1/playbooks/:id/stages', {
      schema: { operationId: 'createPlaybookStage', etag: true, tags, summary: 'Add a stage at the end (admin)', params: IdParams, body: StageCreate, response: { 201: Stage, ...problemResponses(401, 403, 404, 409, 422) } },
    }, async (request, reply) => {
      const s = await playbooks.addStage(actorOf(request), request.params.id, request.body);
      setEtag(reply, s.version);
      return reply.status(201).header('location', `/v1/playbooks/${s.playbookId}/stages/${s.id}`).send(s);
    });

    app.get('/v1/playbooks/:id/stages', {
      schema: { operationId: 'listPlaybookStages', tags, summary: 'The stages of a playbook, in order', params: IdParams, response: { 200: z.object({ data: z.array(Stage) }), ...problemResponses(401, 404) } },
    }, async (request) => ({ data: (await playbooks.get(actorOf(request), request.params.id)).stages }));

    app.post('/v1/playbooks/:id/stages/reorder', {
      schema: { operationId: 'reorderPlaybookStages', tags, summary: 'Set the order of the stages (admin): list every stage once', params: IdParams, body: StageOrder, response: { 200: Playbook, ...problemResponses(401, 403, 404, 422) } },
    }, async (request) => playbooks.reorderStages(actorOf(request), request.params.id, request.body.stageIds));

    app.get('/v1/playbooks/:id/stages/:stageId', {
      schema: { operationId: 'getPlaybookStage', etag: true, tags, summary: 'A stage', params: StageParams, response: { 200: Stage, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const s = await playbooks.getStage(actorOf(request), request.params.id, request.params.stageId);
      setEtag(reply, s.version);
      return s;
    });

    app.patch('/v1/playbooks/:id/stages/:stageId', {
      schema: { operationId: 'updatePlaybookStage', etag: true, ifMatch: true, tags, summary: 'Rename, change kind or stale limit, (un)archive a stage (admin)', params: StageParams, body: StageUpdate, response: { 200: Stage, ...problemResponses(401, 403, 404, 409, 412, 422) } },
    }, async (request, reply) => {
      const s = await playbooks.updateStage(actorOf(request), request.params.id, request.params.stageId, request.body, ifMatchVersion(request));
      setEtag(reply, s.version);
      return s;
    });

    app.delete('/v1/playbooks/:id/stages/:stageId', {
      schema: { operationId: 'deletePlaybookStage', ifMatch: true, tags, summary: 'Delete a stage with no contacts (admin); 409 `stage_has_contacts` with the count', params: StageParams, response: { 204: z.null(), ...problemResponses(401, 403, 404, 409, 412) } },
    }, async (request, reply) => {
      await playbooks.deleteStage(actorOf(request), request.params.id, request.params.stageId, ifMatchVersion(request));
      return reply.status(204).send(null);
    });
  };
