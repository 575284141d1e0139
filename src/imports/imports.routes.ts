import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { AppError, fieldError, validationFailed } from '../lib/errors.ts';
import { IdParams, pageOf, problemResponses } from '../lib/http/common-schemas.ts';
import { Import, ImportListQuery, ImportOptionsInput, ImportUpdate } from './imports.schema.ts';
import { makeImportsService, type ImportsService } from './imports.service.ts';

const tags = ['imports'];
/** HubSpot's limit for one import file (512 MB). */
export const IMPORT_MAX_BYTES = 512 * 1024 * 1024;

type Received = { fileName: string; key: string; sizeBytes: number; sha256: string; estimatedRows: number; options: ImportOptionsInput; claimed?: boolean };
const received = new WeakMap<FastifyRequest, Received>();

/** Form fields an upload may carry beside the file: plain values, `matchBy` as a comma list, `mapping` as JSON. */
function optionsOf(fields: Record<string, string>): ImportOptionsInput {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'matchBy') raw.matchBy = value.split(',').map((s) => s.trim()).filter(Boolean);
    else if (name === 'mapping') {
      try {
        raw.mapping = JSON.parse(value);
      } catch {
        throw fieldError('/mapping', 'invalid_json', 'mapping must be a JSON array of column targets');
      }
    } else raw[name] = value;
  }
  const parsed = ImportOptionsInput.safeParse(raw);
  if (!parsed.success) {
    throw validationFailed(parsed.error.issues.map((i) => ({ pointer: `/${i.path.join('/')}`, code: i.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_value', message: i.message })));
  }
  return parsed.data;
}

/**
 * Reads the multipart body before the idempotency check: the options fields, then the file,
 * streamed to the data folder (never whole in memory). The body the idempotency fingerprint sees
 * is the file's hash and the options, so the same key with another file is a 422, not a replay.
 */
async function readUpload(imports: ImportsService, request: FastifyRequest): Promise<void> {
  if (!request.isMultipart() || !request.actor) return;
  const fields: Record<string, string> = {};
  let saved: Awaited<ReturnType<ImportsService['saveUpload']>> | undefined;
  let fileName = 'import.csv';
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string' || part.value.length > 100_000) throw fieldError(`/${part.fieldname}`, 'invalid_value', 'form fields are short text');
        fields[part.fieldname] = part.value;
      } else if (part.fieldname !== 'file' || saved) {
        part.file.resume();
        throw fieldError(`/${part.fieldname}`, 'unexpected_file', 'send one file, in the field named `file`');
      } else {
        fileName = (part.filename || 'import.csv').slice(0, 255);
        saved = await imports.saveUpload(request.actor.workspaceId, part.file);
        if (part.file.truncated) throw new AppError('payload_too_large', `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`, { status: 413 });
      }
    }
    const options = optionsOf(fields);
    if (!saved) throw fieldError('/file', 'required', 'send the CSV file in a multipart field named `file`');
    received.set(request, { fileName, ...saved, options });
    request.body = { file: { name: fileName, sha256: saved.sha256, size: saved.sizeBytes }, options };
  } catch (err) {
    if (saved) await imports.discardUpload(saved.key);
    if (err instanceof AppError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status < 500) throw err;
    throw new AppError('malformed_multipart', `The multipart body cannot be read: ${String((err as Error).message ?? err).slice(0, 200)}`, { status: 400 });
  }
}

export const importsRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const imports = makeImportsService(deps);
    await app.register(multipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10, parts: 11 } });
    // A replayed request (same Idempotency-Key) never reaches the handler: its upload is not kept.
    app.addHook('onResponse', async (request) => {
      const upload = received.get(request);
      if (upload && !upload.claimed) await imports.discardUpload(upload.key);
    });

    app.post('/v1/imports', {
      schema: {
        operationId: 'createImport',
        tags,
        summary: 'Upload a CSV of contacts (multipart, field `file`); answers the draft import with how the file reads and maps',
        description: 'Optional form fields before the file: `encoding`, `delimiter`, `mode` (`partial`|`atomic`), `duplicates` (`merge`|`report`), `matchBy` (comma list of `email`,`phone`,`externalRef`), `mapping` (JSON array of column targets). The draft shows the detected encoding and delimiter, the headers, the suggested mapping and a preview of the first rows. Nothing is imported until `POST /v1/imports/{id}/start`.',
        consumes: ['multipart/form-data'],
        response: { 201: Import, ...problemResponses(400, 401, 413, 415, 422) },
      },
      preValidation: async (request) => readUpload(imports, request),
    }, async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Upload the CSV as multipart/form-data in a field named `file`');
      const upload = received.get(request);
      if (!upload) throw fieldError('/file', 'required', 'send the CSV file in a multipart field named `file`');
      upload.claimed = true;
      const imp = await imports.create(actorOf(request), upload, upload.options);
      return reply.status(201).header('location', `/v1/imports/${imp.id}`).send(imp);
    });

    app.get('/v1/imports', {
      schema: { operationId: 'listImports', tags, summary: 'Imports of the workspace, newest first', querystring: ImportListQuery, response: { 200: pageOf(Import), ...problemResponses(400, 401) } },
    }, async (request) => imports.list(actorOf(request), request.query));

    app.get('/v1/imports/:id', {
      schema: { operationId: 'getImport', tags, summary: 'An import: status, progress (rows, rate, ETA), counts, dry-run result, rollback', params: IdParams, response: { 200: Import, ...problemResponses(401, 404) } },
    }, async (request) => imports.get(actorOf(request), request.params.id));

    app.patch('/v1/imports/:id', {
      schema: { operationId: 'updateImport', tags, summary: 'Change a draft import\'s mapping or options (encoding, delimiter, matchBy, mode, duplicates)', params: IdParams, body: ImportUpdate, response: { 200: Import, ...problemResponses(401, 404, 409, 422) } },
    }, async (request) => imports.update(actorOf(request), request.params.id, request.body));

    app.post('/v1/imports/:id/dry-run', {
      schema: { operationId: 'dryRunImport', tags, summary: 'Apply the draft as the import would, then undo it: counts of create / update / unchanged / error / conflict with samples', params: IdParams, response: { 200: Import, ...problemResponses(401, 404, 409) } },
    }, async (request) => imports.dryRun(actorOf(request), request.params.id));

    app.post('/v1/imports/:id/start', {
      schema: { operationId: 'startImport', tags, summary: 'Start the import: a job applies the file in batches; poll the import for progress', params: IdParams, response: { 202: Import, ...problemResponses(401, 404, 409) } },
    }, async (request, reply) => {
      const imp = await imports.start(actorOf(request), request.params.id);
      return reply.status(202).header('location', `/v1/imports/${imp.id}`).send(imp);
    });

    app.post('/v1/imports/:id/rollback', {
      schema: { operationId: 'rollBackImport', tags, summary: 'Undo a finished import: created contacts to the trash, updated fields restored, each only if nothing changed it since', params: IdParams, response: { 200: Import, ...problemResponses(401, 404, 409) } },
    }, async (request) => imports.rollback(actorOf(request), request.params.id));

    app.get('/v1/imports/:id/errors.csv', {
      schema: {
        operationId: 'downloadImportErrors', tags, summary: 'The failed rows as a CSV to fix and import again: the original columns plus row, line, column, code, message',
        params: IdParams, produces: ['text/csv'], response: { 200: z.unknown().meta({ description: 'UTF-8 CSV with BOM' }), ...problemResponses(401, 404) },
      },
    }, async (request, reply) => {
      const { fileName, body } = await imports.errorsCsv(actorOf(request), request.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`)
        .header('cache-control', 'private, no-store')
        .send(body);
    });
  };
