import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { User, UserCreate, UserUpdate, Workspace, WorkspaceUpdate } from './workspaces.schema.ts';

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
      schema: { operationId: 'getUser', etag: true, tags: ['users'], summary: 'A user of the workspace', params: IdParams, response: { 200: User, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const user = await workspaces.getUser(actorOf(request), request.params.id);
      setEtag(reply, user.version);
      return user;
    });

    app.patch('/v1/users/:id', {
      schema: {
        operationId: 'updateUser', etag: true, ifMatch: true, tags: ['users'], summary: 'Rename a user or change their role (admin); honours If-Match',
        description: 'Only an owner gives or takes the owner role. The last active owner cannot be demoted: 409 `last_owner`. A new role applies to the user\'s open sessions at once.',
        params: IdParams, body: UserUpdate, response: { 200: User, ...problemResponses(401, 403, 404, 409, 412, 422) },
      },
    }, async (request, reply) => {
      const user = await workspaces.updateUser(actorOf(request), request.params.id, request.body, ifMatchVersion(request));
      setEtag(reply, user.version);
      return user;
    });

    app.post('/v1/users/:id/deactivate', {
      schema: {
        operationId: 'deactivateUser', etag: true, ifMatch: true, tags: ['users'], summary: 'Remove a user from the workspace (admin; an owner only by an owner)',
        description: 'The user is kept (contacts, tasks and history still name them) but can no longer sign in; their sessions end and unused invite links stop working. The last active owner cannot be removed: 409 `last_owner`. Removing a removed user changes nothing.',
        params: IdParams, response: { 200: User, ...problemResponses(401, 403, 404, 409, 412) },
      },
    }, async (request, reply) => {
      const user = await workspaces.deactivateUser(actorOf(request), request.params.id, ifMatchVersion(request));
      setEtag(reply, user.version);
      return user;
    });

    app.post('/v1/users/:id/reactivate', {
      schema: {
        operationId: 'reactivateUser', etag: true, ifMatch: true, tags: ['users'], summary: 'Let a removed user back in with their role (admin; an owner only by an owner)',
        description: 'Their old sessions and invite links stay ended: they sign in with their password, or an admin sends a new invite.',
        params: IdParams, response: { 200: User, ...problemResponses(401, 403, 404, 412) },
      },
    }, async (request, reply) => {
      const user = await workspaces.reactivateUser(actorOf(request), request.params.id, ifMatchVersion(request));
      setEtag(reply, user.version);
      return user;
    });

    app.post('/v1/users', {
      schema: { operationId: 'createUser', tags: ['users'], summary: 'Add a user (admin; owners only by an owner)', body: UserCreate, response: { 201: User, ...problemResponses(401, 403, 409, 422) } },
    }, async (request, reply) => {
      const user = await workspaces.createUser(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/users/${user.id}`).send(user);
    });
  };
