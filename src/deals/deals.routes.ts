import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { elementRoutes } from '../lib/http/element-routes.ts';
import { Deal, DealCreate, DealUpdate } from './deals.schema.ts';

export const dealsRoutes = (deps: Deps) =>
  elementRoutes({ noun: 'deal', plural: 'deals', schemas: { resource: Deal, create: DealCreate, update: DealUpdate }, service: deps.services.deals, actorOf });
