import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { problemResponses } from '../lib/http/common-schemas.ts';
import {
  ContactBatchCreate,
  ContactBatchRead,
  ContactBatchReadResponse,
  ContactBatchResponse,
  ContactBatchUpdate,
  ContactBatchUpsert,
  summarise,
  type BatchItemResult,
} from './batch.schema.ts';

const tags = ['contacts'];
const PER_ITEM = 'Always 200 for a valid envelope: each item is answered in `results[i]` (same index) with its own status and, for `error` or `conflict`, its own problem with pointers into this request (`/items/3/email`); the good items apply even when others fail. Send `Idempotency-Key` to make a retry of the whole call safe: the same key answers the stored response and applies nothing twice.';

const answer = (results: BatchItemResult[]) => ({ results, summary: summarise(results) });

export const contactBatchRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { contacts } = deps.services;

    app.post('/v1/contacts/batch/create', {
      schema: {
        operationId: 'batchCreateContacts',
        tags,
        summary: 'Create up to 100 contacts, each answered on its own',
        description: `Each item is a \`ContactCreate\`, with the rules of \`POST /v1/contacts\`. An identifier already held (by an existing contact or an earlier item of the batch) is a \`conflict\`; nothing is created twice. ${PER_ITEM}`,
        body: ContactBatchCreate,
        response: { 200: ContactBatchResponse, ...problemResponses(400, 401, 422) },
      },
    }, async (request) => answer(await contacts.writeBatch(actorOf(request), request.body.items, { mode: 'create' })));

    app.post('/v1/contacts/batch/upsert', {
      schema: {
        operationId: 'batchUpsertContacts',
        tags,
        summary: 'Create or update up to 100 contacts, matched by email, phone or external reference',
        description: `Each item is a \`ContactCreate\`. \`matchBy\` keys are tried in order: the first that finds a contact updates it (fields left out keep their value), none creates one. An item whose identifiers belong to two different contacts is a \`conflict\` and changes neither. Items repeating an identifier of an earlier item apply to the same contact, in order. ${PER_ITEM}`,
        body: ContactBatchUpsert,
        response: { 200: ContactBatchResponse, ...problemResponses(400, 401, 422) },
      },
    }, async (request) => answer(await contacts.writeBatch(actorOf(request), request.body.items, { mode: 'upsert', matchBy: request.body.matchBy })));

    app.post('/v1/contacts/batch/update', {
      schema: {
        operationId: 'batchUpdateContacts',
        tags,
        summary: 'Update up to 100 contacts by id, each answered on its own',
        description: `Each item is a partial update with the contact's \`id\` and, optionally, the \`version\` it must be at (as \`If-Match\`: a \`conflict\` with \`precondition_failed\` otherwise). An unknown id is a per-item \`not_found\`. \`updated\` results carry \`previous\`: the changed fields' earlier values. ${PER_ITEM}`,
        body: ContactBatchUpdate,
        response: { 200: ContactBatchResponse, ...problemResponses(400, 401, 422) },
      },
    }, async (request) => answer(await contacts.writeBatch(actorOf(request), request.body.items, { mode: 'update' })));

    app.post('/v1/contacts/batch/read', {
      schema: {
        operationId: 'batchReadContacts',
        tags,
        summary: 'Read up to 100 contacts by id',
        description: 'Answers each id in `results[i]`: `found` with the contact (trashed ones too, as `GET /v1/contacts/{id}`), or `error` with a `not_found` problem.',
        body: ContactBatchRead,
        response: { 200: ContactBatchReadResponse, ...problemResponses(400, 401, 422) },
      },
    }, async (request) => contacts.readBatch(actorOf(request), request.body.ids));
  };
