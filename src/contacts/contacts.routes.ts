import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { sendContactPage } from './contact-page-reply.ts';
import { ConsentChange, Contact, ContactCreate, ContactFields, ContactListQuery, ContactUpdate, MergeRequest } from './contacts.schema.ts';

const tags = ['contacts'];

export const contactsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { contacts } = deps.services;

    app.post('/v1/contacts', {
      schema: { operationId: 'createContact', etag: true, tags, summary: 'Create a contact', body: ContactCreate, response: { 201: Contact, ...problemResponses(401, 409, 422) } },
    }, async (request, reply) => {
      const contact = await contacts.create(actorOf(request), request.body);
      setEtag(reply, contact.version);
      return reply.status(201).header('location', `/v1/contacts/${contact.id}`).send(contact);
    });

    app.get('/v1/contacts', {
      schema: { operationId: 'listContacts', description: 'Simple filters as query parameters, combined with AND; for OR, NOT, attributes and every operator use `POST /v1/contacts/search`. Keyset pagination: pass `nextCursor` back as `cursor` with the same filters and sort; a cursor from other filters is refused (400 `invalid_cursor`). `count=true` adds `count` (exact up to 10,000, then an estimate). `fields=` gives a light page: items are `ContactFields` with only the members named.', tags, summary: 'List contacts (keyset pagination)', querystring: ContactListQuery, response: { 200: z.union([pageOf(Contact), pageOf(ContactFields)]), ...problemResponses(400, 401) } },
    }, async (request, reply) => {
      // Set only once the page exists: a problem thrown before keeps the problem serializer.
      const page = await deps.services.contactLists.listContacts(actorOf(request), request.query);
      return sendContactPage(reply, page, request.query.fields !== undefined);
    });

    app.get('/v1/contacts/:id', {
      schema: { operationId: 'getContact', etag: true, tags, summary: 'Get a contact (also from the trash)', params: IdParams, response: { 200: Contact, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const contact = await contacts.get(actorOf(request), request.params.id);
      setEtag(reply, contact.version);
      return contact;
    });

    app.patch('/v1/contacts/:id', {
      schema: { operationId: 'updateContact', description: 'A partial update: fields left out keep their value, `null` clears one. With `If-Match` the update applies only to that version (412 with the current `ETag` otherwise); without it the last writer wins. An email or phone already used by another contact answers 409 `contact_identifier_taken` with that `contactId`.', etag: true, ifMatch: true, tags, summary: 'Update a contact; `null` clears a field; honours If-Match', params: IdParams, body: ContactUpdate, response: { 200: Contact, ...problemResponses(401, 404, 409, 412, 422) } },
    }, async (request, reply) => {
      const contact = await contacts.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, contact.version);
      return contact;
    });

    app.delete('/v1/contacts/:id', {
      schema: { operationId: 'deleteContact', description: 'Moves the contact to the trash: it leaves lists and search (`deleted=true` shows it) and can be restored with `POST /v1/contacts/{id}/restore`. Its identifiers are freed for other contacts; a restore needs them still free (409 otherwise).', ifMatch: true, tags, summary: 'Move a contact to the trash (restorable)', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await contacts.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });

    app.post('/v1/contacts/:id/restore', {
      schema: { operationId: 'restoreContact', etag: true, tags, summary: 'Restore a contact from the trash', params: IdParams, response: { 200: Contact, ...problemResponses(401, 404, 409) } },
    }, async (request, reply) => {
      const contact = await contacts.restore(actorOf(request), request.params.id);
      setEtag(reply, contact.version);
      return contact;
    });

    app.post('/v1/contacts/:id/merge', {
      schema: { operationId: 'mergeContacts', description: 'Absorbs `otherContactId` into this contact: this one keeps its values (except the fields in `takeFromOther`) and fills its blanks from the other, gains the other\'s identifiers as additional values and its related elements and history; the other goes to the trash with `mergedIntoId` set.', etag: true, tags, summary: 'Merge another contact into this one', params: IdParams, body: MergeRequest, response: { 200: Contact, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const contact = await deps.services.contactMerge.merge(actorOf(request), request.params.id, request.body.otherContactId, request.body.takeFromOther);
      setEtag(reply, contact.version);
      return contact;
    });

    app.post('/v1/contacts/:id/consents', {
      schema: { operationId: 'recordContactConsent', etag: true, tags, summary: 'Record a consent change with its proof', params: IdParams, body: ConsentChange, response: { 200: Contact, ...problemResponses(401, 404, 422) } },
    }, async (request, reply) => {
      const contact = await contacts.setConsent(actorOf(request), request.params.id, request.body);
      setEtag(reply, contact.version);
      return contact;
    });

    app.get('/v1/contacts/:id/consents', {
      schema: {
        operationId: 'listContactConsents',
        tags,
        summary: 'Consent history of a contact, newest first',
        params: IdParams,
        response: {
          200: z.object({
            data: z.array(z.object({ id: z.string(), consent: z.string(), value: z.boolean(), changedAt: z.string(), actorType: z.string(), actorId: z.string().nullable(), source: z.string(), proof: z.record(z.string(), z.unknown()).nullable() })),
          }),
          ...problemResponses(401, 404),
        },
      },
    }, async (request) => ({ data: await contacts.consentHistory(actorOf(request), request.params.id) }));
  };
