import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import { Contact } from '../contacts/contacts.schema.ts';
import type { Deps } from '../deps.ts';
import { pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ContactSearch } from './contact-lists.schema.ts';
import { listPage } from './contact-query.ts';

const tags = ['contacts'];

export const contactListsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/contacts/search', {
      schema: {
        operationId: 'searchContacts',
        description:
          'The same list as `GET /v1/contacts`, filtered by a JSON filter tree (`ContactFilter`: `and`/`or`/`not` groups over `{ field, op, value }` conditions, within the limits that schema states). Errors point at the node at fault (`/filter/and/1/op`). Page with `cursor`, like the GET.',
        tags,
        summary: 'List contacts matching a JSON filter tree (AND / OR / NOT), with search, any sort and keyset pagination',
        body: ContactSearch,
        response: { 200: pageOf(Contact), ...problemResponses(400, 401, 422) },
      },
    }, async (request) => listPage(deps.db, deps.cursors, actorOf(request), request.body, { prefix: '', status: 422 }, deps.clock.now()));
  };
