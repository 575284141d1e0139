import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { elementRoutes } from '../lib/http/element-routes.ts';
import { Comment, CommentCreate, CommentUpdate } from './comments.schema.ts';

export const commentsRoutes = (deps: Deps) =>
  elementRoutes({ noun: 'comment', plural: 'comments', schemas: { resource: Comment, create: CommentCreate, update: CommentUpdate }, service: deps.services.comments, actorOf, changeStatuses: [403] });
