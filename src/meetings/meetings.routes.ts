import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { elementRoutes } from '../lib/http/element-routes.ts';
import { Meeting, MeetingCreate, MeetingUpdate } from './meetings.schema.ts';

export const meetingsRoutes = (deps: Deps) =>
  elementRoutes({ noun: 'meeting', plural: 'meetings', schemas: { resource: Meeting, create: MeetingCreate, update: MeetingUpdate }, service: deps.services.meetings, actorOf });
