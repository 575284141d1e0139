import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { User, UserCreate, Workspace, WorkspaceUpdate } from './workspaces.schema.ts';

export const workspacesRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { workspaces } = deps.services;

    app.get('/v1/workspace', {
      schema: { operationId: 'getWorkspace', tags: ['workspace'], summary: "The API key's workspace and its settings", response: { 200: Workspace, ...problemResponses(401) } },
    }, async (request) => workspaces.get(actorOf(request)));

    app.patch('/v1/workspace', {
      schema: { operationId: 'updateWorkspace', tags: ['workspace'], summary: 'Change workspace settings (admin)', body: WorkspaceUpdate, response: { 200: Workspace, ...problemResponses(401, 403, 422) } },
    }, async (request) => workspaces.update(actorOf(request), request.body));

    app.get('/v1/users', {
      schema: { operationId: 'listUsers', tags: ['users'], summary: 'Users of the workspace', response: { 200: z.object({ data: z.array(User) }), ...problemResponses(401) } },
    }, async (request) => ({ data: await workspaces.listUsers(actorOf(request)) }));

    app.get('/v1/users/:id', {
      schema: { operationId: 'getUser', tags: ['users'], summary: 'A user of the workspace', params: IdParams, response: { 200: User, ...problemResponses(401, 404) } },
    }, async (request) => workspaces.getUser(actorOf(request), request.params.id));

    app.post('/v1/users', {
      schema: { operationId: 'createUser', tags: ['users'], summary: 'Add a user (admin; owners only by an owner)', body: UserCreate, response: { 201: User, ...problemResponses(401, 403, 409, 422) } },
    }, async (request, reply) => {
      const user = await workspaces.createUser(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/users/${user.id}`).send(user);
    });
  };
