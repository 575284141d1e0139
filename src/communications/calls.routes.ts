import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { elementRoutes } from '../lib/http/element-routes.ts';
import { Call, CallCreate, CallUpdate } from './communications.schema.ts';

export const callsRoutes = (deps: Deps) =>
  elementRoutes({
    noun: 'call',
    plural: 'calls',
    schemas: { resource: Call, create: CallCreate, update: CallUpdate },
    service: deps.services.calls,
    actorOf,
    summaries: {
      create: 'Record a call (updates pending attention)',
      update: 'Update outcome, duration or recording; honours If-Match',
      delete: 'Delete a call record',
    },
  });
