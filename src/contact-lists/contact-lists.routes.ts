import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import { sendContactPage } from '../contacts/contact-page-reply.ts';
import { Contact, ContactFields } from '../contacts/contacts.schema.ts';
import type { Deps } from '../deps.ts';
import { pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ContactSearch } from './contact-lists.schema.ts';
import { listPage } from './contact-query.ts';
import { orderedFields } from './list-contacts.ts';

const tags = ['contacts'];

export const contactListsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/contacts/search', {
      schema: {
        operationId: 'searchContacts',
        description:
          'The same list as `GET /v1/contacts` (`fields` gives the same light pages), filtered by a JSON filter tree (`ContactFilter`: `and`/`or`/`not` groups over `{ field, op, value }` conditions, within the limits that schema states). Errors point at the node at fault (`/filter/and/1/op`). Page with `cursor`, like the GET.',
        tags,
        summary: 'List contacts matching a JSON filter tree (AND / OR / NOT), with search, any sort and keyset pagination',
        body: ContactSearch,
        response: { 200: z.union([pageOf(Contact), pageOf(ContactFields)]), ...problemResponses(400, 401, 422) },
      },
    }, async (request, reply) => {
      const { fields, ...search } = request.body;
      const page = await listPage(deps.db, deps.cursors, actorOf(request), { ...search, ...(fields ? { fields: orderedFields(fields) } : {}) }, { prefix: '', status: 422 }, deps.clock.now());
      return sendContactPage(reply, page, fields !== undefined);
    });
  };
