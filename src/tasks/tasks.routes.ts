import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { elementRoutes } from '../lib/http/element-routes.ts';
import { Task, TaskCreate, TaskUpdate } from './tasks.schema.ts';

export const tasksRoutes = (deps: Deps) =>
  elementRoutes({ noun: 'task', plural: 'tasks', schemas: { resource: Task, create: TaskCreate, update: TaskUpdate }, service: deps.services.tasks, actorOf });
