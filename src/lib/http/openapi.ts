import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { errorResponseFor, RATE_LIMIT_HEADERS, SERVERS, sharedComponents, TAGS } from './openapi-components.ts';
import { normaliseSchemaNames } from './openapi-schema-names.ts';

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI only: the 2xx answer carries `ETag` (the resource's version). */
    etag?: boolean;
    /** OpenAPI only: the route honours `If-Match` (a stale one answers 412). */
    ifMatch?: boolean;
    /**
     * `false` on a POST that takes no `Idempotency-Key`: a read (a streamed export) or an answer
     * carrying a one-time secret a stored replay would keep in plain text. The key is then refused
     * with 400 (`src/lib/http/tenant-handlers.ts`) and not documented.
     */
    idempotency?: false;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is plain JSON shaped in place
type Node = Record<string, any>;
const FLAGS = 'x-vixiees-route';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const SUCCESS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted: the work goes on in a job (see `Location`)', 204: 'No content' };

const UPLOAD_BODY = {
  required: true,
  description: 'One file in a multipart field named `file` (the server\'s document size limit applies, 10 MB by default)',
  content: {
    'multipart/form-data': {
      schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    },
  },
};

const zodTransform = createJsonSchemaTransform({});
const zodTransformObject = createJsonSchemaTransformObject({});

/**
 * Per route: zod schemas to JSON Schema (named ones become `$ref`s), and the route's header facts
 * (`etag`, `ifMatch`) carried to the document pass as an extension it removes again.
 */
const transform: NonNullable<FastifyDynamicSwaggerOptions['transform']> = (input) => {
  const out = zodTransform(input);
  const schema = out.schema as Node | undefined;
  if (!schema || schema.hide) return out;
  const { etag, ifMatch, idempotency: _dropped, ...rest } = schema;
  // Read from the route itself: the zod transform drops keys whose value is falsy, as `false` is.
  const idempotency = (input.schema as Node | undefined)?.idempotency;
  // An upload reads its multipart body itself (no body schema to validate): the document still shows it.
  const upload = !schema.body && Array.isArray(schema.consumes) && schema.consumes.includes('multipart/form-data');
  return { ...out, schema: { ...rest, [FLAGS]: { etag: Boolean(etag), ifMatch: Boolean(ifMatch), upload, idempotent: idempotency !== false } } as Node };
};

/** What every operation answers besides its own statuses, from what it takes. */
function standardErrors(method: string, op: Node, ifMatch: boolean, idempotent: boolean): number[] {
  const params: Node[] = op.parameters ?? [];
  const inPath = params.some((p) => p.in === 'path');
  const inQuery = params.some((p) => p.in === 'query');
  const statuses = [401, 429, 500];
  if (inPath || inQuery || op.requestBody || method === 'post') statuses.push(400);
  if (inPath) statuses.push(404);
  if (op.requestBody) statuses.push(413, 415, 422);
  if (method === 'post' && idempotent) statuses.push(409, 422);
  if (ifMatch) statuses.push(412);
  return statuses;
}

function shapeOperation(method: string, op: Node): void {
  const flags: { etag?: boolean; ifMatch?: boolean; upload?: boolean; idempotent?: boolean } = op[FLAGS] ?? {};
  delete op[FLAGS];
  const idempotent = method === 'post' && flags.idempotent !== false;
  if (flags.upload) op.requestBody = UPLOAD_BODY;
  const extraParams: Node[] = [];
  if (flags.ifMatch) extraParams.push({ $ref: '#/components/parameters/IfMatch' });
  if (idempotent) extraParams.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (extraParams.length) op.parameters = [...(op.parameters ?? []), ...extraParams];

  const responses: Node = op.responses ?? {};
  const declared = Object.keys(responses).map(Number);
  const errors = new Set([...declared.filter((s) => s >= 400), ...standardErrors(method, op, Boolean(flags.ifMatch), idempotent)]);
  const shaped: Node = {};
  for (const status of declared.filter((s) => s < 400).sort()) {
    const response: Node = responses[status];
    if (!response.description || response.description === 'Default Response') response.description = SUCCESS_DESCRIPTIONS[status] ?? 'Success';
    const headers: Node = { ...response.headers };
    if (flags.etag && status !== 204) headers.ETag = { $ref: '#/components/headers/ETag' };
    if (status === 201 || status === 202) headers.Location = { $ref: '#/components/headers/Location' };
    if (idempotent) headers['Idempotent-Replayed'] = { $ref: '#/components/headers/Idempotent-Replayed' };
    for (const name of RATE_LIMIT_HEADERS) headers[name] = { $ref: `#/components/headers/${name}` };
    shaped[status] = { ...response, headers };
  }
  for (const status of [...errors].sort()) shaped[status] = errorResponseFor(status);
  op.responses = shaped;
}

/**
 * The whole document once routes are in: components from the zod registry (one name per schema,
 * unused ones dropped), documentation-only schemas (`schemaOverrides`), problem responses and
 * headers on every operation, tags and servers.
 */
function finishDocument(doc: Node, schemaOverrides: Record<string, Node>): Node {
  for (const path of Object.values<Node>(doc.paths ?? {})) {
    for (const method of METHODS) if (path[method]) shapeOperation(method, path[method]);
  }
  // The registry's schemas come as standalone documents; as components they take no `$schema`/`$id`.
  const schemas: Node = Object.fromEntries(
    Object.entries<Node>(doc.components?.schemas ?? {}).map(([name, { $schema: _s, $id: _i, ...schema }]) => [name, schema]),
  );
  for (const [name, schema] of Object.entries(schemaOverrides)) {
    schemas[name] = schema;
    if (schemas[`${name}Input`]) schemas[`${name}Input`] = schema;
  }
  const finished: Node = {
    ...doc,
    servers: SERVERS,
    tags: TAGS,
    components: { ...doc.components, ...sharedComponents, schemas },
  };
  return normaliseSchemaNames(finished);
}

/**
 * Options of `@fastify/swagger` for the served `/openapi.json`. `schemaOverrides` may be a
 * function: it then runs when the document is first built, not at start-up.
 */
export function openApiOptions(opts: { schemaOverrides?: Record<string, Node> | (() => Record<string, Node>) } = {}): FastifyDynamicSwaggerOptions {
  const overrides = () => (typeof opts.schemaOverrides === 'function' ? opts.schemaOverrides() : opts.schemaOverrides) ?? {};
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vixiees API',
        version: '1',
        description:
          'Sales-engagement CRM. Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problems ' +
          '(`application/problem+json`) with a stable `code`. Lists page by keyset (`limit` ≤ 500, `cursor` from `nextCursor`).',
        license: { name: 'AGPL-3.0-only', identifier: 'AGPL-3.0-only' },
      },
      // The bearer scheme is needed while routes are read (it hides `authorization` from parameters).
      components: { securitySchemes: sharedComponents.securitySchemes },
      security: [{ apiKey: [] }],
    },
    transform,
    transformObject: (input) => finishDocument(zodTransformObject(input) as Node, overrides()),
  };
}
