import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { AppError, fieldError } from '../lib/errors.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { ElementListQuery } from '../lib/http/element-schemas.ts';
import { ifMatchVersion, setEtag } from '../lib/http/etag.ts';
import { contentDisposition } from './content-check.ts';
import { Document, DocumentUpdate } from './documents.schema.ts';
import { documentTooLarge, type IncomingFile } from './documents.service.ts';

const tags = ['documents'];

/** Files read before the handler, so the body idempotency fingerprints includes their hash. */
const received = new WeakMap<FastifyRequest, IncomingFile>();

/** The multipart parser's own failures (no boundary, truncated body, bad part header) are the client's. */
const malformedMultipart = (err: unknown): AppError =>
  new AppError('malformed_multipart', `The multipart body cannot be read: ${String((err as Error).message ?? err).slice(0, 200)}`, { status: 400 });

async function readUpload(request: FastifyRequest, maxBytes: number): Promise<void> {
  if (!request.isMultipart()) return;
  let content: Buffer;
  let part;
  try {
    part = await request.file();
    if (!part) return;
    content = await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw documentTooLarge(maxBytes);
    const status = (err as { statusCode?: number }).statusCode;
    if (err instanceof AppError || (status !== undefined && status < 500)) throw err;
    throw malformedMultipart(err);
  }
  received.set(request, { fileName: part.filename, declaredType: part.mimetype, content });
  // What `Idempotency-Key` compares: the same key with another file is a 422, not a replay.
  request.body = { file: { name: part.filename, type: part.mimetype, sha256: createHash('sha256').update(content).digest('hex') } };
}

export const documentsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { documents } = deps.services;
    // Registered inside this plugin only: no other route accepts multipart bodies.
    await app.register(multipart, { limits: { fileSize: documents.maxBytes, files: 1, fields: 10, parts: 11 } });

    app.post('/v1/contacts/:id/documents', {
      schema: {
        operationId: 'createDocument',
        etag: true,
        tags,
        summary: 'Attach a file to a contact (multipart/form-data, field `file`)',
        description: 'Allowed: PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX. The content must match the declared type.',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Document, ...problemResponses(401, 404, 413, 415, 422) },
      },
      // Runs before the idempotency check (preHandler), after authentication.
      preValidation: async (request) => readUpload(request, documents.maxBytes),
    }, async (request, reply) => {
      const actor = actorOf(request);
      await documents.assertUploadTarget(actor, request.params.id);
      if (!request.isMultipart()) {
        throw new AppError('unsupported_media_type', 'Upload the file as multipart/form-data in a field named `file`');
      }
      const file = received.get(request);
      if (!file) throw fieldError('/file', 'required', 'send the file in a multipart field named `file`');
      const doc = await documents.upload(actor, request.params.id, file);
      setEtag(reply, doc.version);
      return reply.status(201).header('location', `/v1/documents/${doc.id}`).send(doc);
    });

    app.get('/v1/contacts/:id/documents', {
      schema: { operationId: 'listContactDocuments', tags, summary: "A contact's documents, newest first", params: IdParams, querystring: ElementListQuery, response: { 200: pageOf(Document), ...problemResponses(400, 401, 404) } },
    }, async (request) => documents.list(actorOf(request), request.params.id, request.query));

    app.get('/v1/documents/:id', {
      schema: { operationId: 'getDocument', etag: true, tags, summary: "Get a document's metadata", params: IdParams, response: { 200: Document, ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const doc = await documents.get(actorOf(request), request.params.id);
      setEtag(reply, doc.version);
      return doc;
    });

    app.get('/v1/documents/:id/content', {
      schema: { operationId: 'downloadDocument', tags, summary: 'Download the file, as an attachment with its type and name', params: IdParams, produces: ['application/octet-stream'], response: { 200: z.unknown().meta({ description: 'The file bytes' }), ...problemResponses(401, 404) } },
    }, async (request, reply) => {
      const { document, content } = await documents.open(actorOf(request), request.params.id);
      const type = document.contentType.startsWith('text/') ? `${document.contentType}; charset=utf-8` : document.contentType;
      return reply
        .header('content-type', type)
        .header('content-length', String(document.sizeBytes))
        .header('content-disposition', contentDisposition(document.name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(content);
    });

    app.patch('/v1/documents/:id', {
      schema: { operationId: 'updateDocument', etag: true, ifMatch: true, tags, summary: 'Rename a document; honours If-Match', params: IdParams, body: DocumentUpdate, response: { 200: Document, ...problemResponses(401, 404, 412, 422) } },
    }, async (request, reply) => {
      const doc = await documents.update(actorOf(request), request.params.id, request.body, { ifMatch: ifMatchVersion(request) });
      setEtag(reply, doc.version);
      return doc;
    });

    app.delete('/v1/documents/:id', {
      schema: { operationId: 'deleteDocument', ifMatch: true, tags, summary: 'Delete a document and its content', params: IdParams, response: { 204: z.null(), ...problemResponses(401, 404, 412) } },
    }, async (request, reply) => {
      await documents.remove(actorOf(request), request.params.id, { ifMatch: ifMatchVersion(request) });
      return reply.status(204).send(null);
    });
  };
