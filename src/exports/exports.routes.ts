import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { problemResponses } from '../lib/http/common-schemas.ts';
import { csvStream } from './csv-writer.ts';
import { ContactExportCsv, ContactExportQuery, ContactExportRequest } from './exports.schema.ts';
import type { ExportPlace, ExportSpec } from './exports.service.ts';

const tags = ['contacts'];

const DESCRIPTION =
  'Streams every matching contact as CSV (rows are read page by page in creation order and written as they come, so any size works and no row is repeated or skipped while contacts change). ' +
  'Headers are the API field names, so the file re-imports without a mapping. Formula-like text is neutralised with a leading `\'` (see `ContactExportCsv`). ' +
  'An unknown column is a 422 pointing at it; another workspace\'s or another user\'s private view is a 404.';

export const exportsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    async function send(request: FastifyRequest, reply: FastifyReply, spec: ExportSpec, place: ExportPlace) {
      const result = await deps.services.exports.start(actorOf(request), spec, place);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${result.filename}"`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(csvStream(result.rows, result.delimiter));
    }

    app.get('/v1/contacts/export', {
      schema: {
        operationId: 'exportContacts',
        tags,
        summary: 'Download all contacts, or a saved view\'s, as CSV (UTF-8 with BOM, CRLF, formula-safe)',
        description: DESCRIPTION,
        querystring: ContactExportQuery,
        produces: ['text/csv'],
        response: { 200: ContactExportCsv, ...problemResponses(400, 401, 404, 422) },
      },
    }, async (request, reply) => {
      const q = request.query;
      const columns = q.columns?.split(',').map((c) => c.trim());
      return send(request, reply, { viewId: q.viewId, columns, delimiter: q.delimiter }, 'query');
    });

    app.post('/v1/contacts/export', {
      schema: {
        operationId: 'exportContactsMatching',
        tags,
        summary: 'Download the contacts matching a filter tree, saved view or search as CSV, with chosen columns and delimiter',
        description: `${DESCRIPTION} A read: \`Idempotency-Key\` is not taken (400 if sent): a stream is not stored for replay.`,
        body: ContactExportRequest,
        produces: ['text/csv'],
        // A read whose answer is a stream: nothing to store for a replay.
        idempotency: false,
        response: { 200: ContactExportCsv, ...problemResponses(400, 401, 404, 422) },
      },
    }, async (request, reply) => {
      return send(request, reply, request.body, 'body');
    });
  };
