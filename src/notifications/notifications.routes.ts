import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { MarkAllRead, MarkAllReadResult, Notification, NotificationListQuery } from './notifications.schema.ts';

const tags = ['notifications'];

export const notificationsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { notifications } = deps.services;

    app.get('/v1/notifications', {
      schema: { operationId: 'listNotifications', tags, summary: "Your notifications and the workspace's, newest first", querystring: NotificationListQuery, response: { 200: pageOf(Notification), ...problemResponses(400, 401) } },
    }, async (request) => notifications.list(actorOf(request), request.query));

    app.post('/v1/notifications/:id/read', {
      schema: { operationId: 'markNotificationRead', tags, summary: 'Mark a notification read', params: IdParams, response: { 200: Notification, ...problemResponses(401, 404) } },
    }, async (request) => notifications.markRead(actorOf(request), request.params.id));

    app.post('/v1/notifications/read-all', {
      schema: { operationId: 'markAllNotificationsRead', tags, summary: 'Mark every unread notification you see read (or only one contact\'s)', body: MarkAllRead.default({}), response: { 200: MarkAllReadResult, ...problemResponses(401, 422) } },
    }, async (request) => notifications.markAllRead(actorOf(request), request.body));
  };
