import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { Task, TaskCreate, TaskUpdate } from './tasks.schema.ts';

const tags = ['tasks'];

export const tasksRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { tasks } = deps.services;

    app.post('/v1/contacts/:id/tasks', {
      schema: { operationId: 'createTask', etag: true, tags, summary: 'Create a task for a contact', params: IdParams, body: TaskCreate, response: { 201: Task, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const task = await tasks.create(actorOf(request), request.params.id, request.body);
      setEtag(reply, task.version);
      return reply.status(201).header('location', `/v1/tasks/${task.id}`).send(task);
    });

    app.get('/v1/contacts/:id/tasks', {
      schema: { operationId: 'listContactTasks', tags, summary: "A contact's tasks, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Task), ...problemResponses(400, 401, 404) } },
    }, async (request) => tasks.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/tasks/:id', {
      schema: { operationId: 'getTask', etag: true, tags, summary: 'Get a task', params: IdParams, response: { 200: Task, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const task = await tasks.get(actorOf(request), request.params.id);
      setEtag(reply, task.version);
      return task;
    });

    app.patch('/v1/tasks/:id', {
      schema: { operationId: 'updateTask', etag: true, ifMatch: true, tags, summary: 'Update a task; `null` clears a field; honours If-Match', params: IdParams, body: TaskUpdate, response: { 200: Task, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const task = await tasks.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, task.version);
      return task;
    });

    app.delete('/v1/tasks/:id', {
      schema: { operationId: 'deleteTask', ifMatch: true, tags, summary: 'Delete a task', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await tasks.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
