import type { FastifyReply } from 'fastify';
import { Contact, ContactFields } from './contacts.schema.ts';
import { pageOf } from '../lib/http/common-schemas.ts';
import type { Page } from '../lib/pagination.ts';

/**
 * Sends a page of contacts written with its own page schema, full or light (`fields`). The
 * documented answer is the union of both; serializing by the union would make the production
 * serializer test every item against both shapes.
 */
export function sendContactPage(reply: FastifyReply, page: Page<Contact> | Page<ContactFields>, light: boolean) {
  const schema = light ? pageOf(ContactFields) : pageOf(Contact);
  // Fastify types this argument as JSON Schema; our serializer compiler takes the zod schema.
  reply.serializer(reply.compileSerializationSchema(schema as unknown as Record<string, unknown>, '200'));
  // A reply with its own serializer gets no content type from Fastify: say it, or clients that
  // go by the header (most generated ones) do not read the page as JSON.
  return reply.type('application/json; charset=utf-8').send(page);
}
