/**
 * The parts of the OpenAPI document no route schema can say: tags, servers, the shared error
 * responses (RFC 9457 problems), and the headers every integrator meets (rate limits, ETag,
 * If-Match, Idempotency-Key). `openapi.ts` wires them into each operation.
 */

const problem = { $ref: '#/components/schemas/Problem' };
/** Sent on every `/v1` answer while rate limiting is on (it is by default). */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'RateLimit'];
const rateLimitHeaders = Object.fromEntries(RATE_LIMIT_HEADERS.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** Error statuses the API answers, each a named response: status → [component name, description]. */
export const ERROR_RESPONSES: Record<number, [name: string, description: string]> = {
  400: ['BadRequest', 'Malformed JSON, or a bad query or path parameter, cursor or `Idempotency-Key`; `errors` points at each (`/query/limit`)'],
  401: ['Unauthorized', 'No API key, or an unknown or revoked one (`WWW-Authenticate: Bearer`)'],
  403: ['Forbidden', 'Your role does not allow this action'],
  404: ['NotFound', 'No such resource in your workspace (another workspace\'s ids are not found either)'],
  409: ['Conflict', 'Conflicts with the current state (`code` tells which), or a request with the same `Idempotency-Key` is still running'],
  412: ['PreconditionFailed', '`If-Match` names a version that is no longer current; the response carries the current `ETag`'],
  413: ['PayloadTooLarge', 'The request body is larger than the server accepts'],
  415: ['UnsupportedMediaType', 'Send JSON with `Content-Type: application/json`'],
  422: ['UnprocessableContent', 'Valid JSON that breaks a rule; `errors` lists each field at fault by JSON pointer, or `Idempotency-Key` reused with another body'],
  429: ['TooManyRequests', 'Rate limited: wait `Retry-After` seconds'],
  500: ['InternalError', 'Unexpected failure; the body shows no internals, quote `requestId` when reporting it'],
};

function errorResponse(status: number, description: string) {
  const headers: Record<string, unknown> = { ...rateLimitHeaders };
  if (status === 429 || status === 503) headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
  if (status === 412) headers.ETag = { $ref: '#/components/headers/ETag' };
  if (status === 401) headers['WWW-Authenticate'] = { $ref: '#/components/headers/WWW-Authenticate' };
  return { description, headers, content: { 'application/problem+json': { schema: problem } } };
}

/** An error response for any status: the shared component when there is one. */
export const errorResponseFor = (status: number): Record<string, unknown> => {
  const known = ERROR_RESPONSES[status];
  return known ? { $ref: `#/components/responses/${known[0]}` } : errorResponse(status, 'Error');
};

const integerHeader = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });

/** `components` entries other than schemas (those come from the zod registry). */
export const sharedComponents = {
  securitySchemes: { apiKey: { type: 'http' as const, scheme: 'bearer', description: 'An API key, sent as `Authorization: Bearer <key>` (keys are created with `POST /v1/api-keys`)' } },
  responses: Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([status, [name, description]]) => [name, errorResponse(Number(status), description)])),
  headers: {
    'RateLimit-Limit': integerHeader('Requests allowed per window (IETF RateLimit draft); sent while rate limiting is on'),
    'RateLimit-Remaining': integerHeader('Requests left in the current window'),
    'RateLimit-Reset': integerHeader('Seconds until the window resets'),
    'RateLimit-Policy': { description: 'The quota, IETF RateLimit draft 8+ form: `"<policy>";q=<limit>;w=<window seconds>`', schema: { type: 'string' } },
    RateLimit: { description: 'What is left, IETF RateLimit draft 8+ form: `"<policy>";r=<remaining>;t=<seconds to reset>`', schema: { type: 'string' } },
    'Retry-After': integerHeader('Seconds to wait before retrying'),
    'WWW-Authenticate': { description: '`Bearer` without credentials; `Bearer error="invalid_token"` for an unknown or revoked key', schema: { type: 'string' } },
    ETag: { description: 'The resource\'s version, as a strong entity tag (`"7"`); send it back in `If-Match`', schema: { type: 'string', pattern: '^"\\d+"$' } },
    Location: { description: 'Path of the created resource (or of the job to poll)', schema: { type: 'string' } },
    'Idempotent-Replayed': { description: '`true` when this is the stored response of an earlier request with the same `Idempotency-Key`', schema: { type: 'string', enum: ['true'] } },
  },
  parameters: {
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The `ETag` you last read (`"7"`, weak tags and `*` accepted). A stale one answers 412 with the current `ETag`. Without it the write is unconditional (last writer wins).',
      schema: { type: 'string', maxLength: 64 },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the same key with the same body replays the first response (with `Idempotent-Replayed: true`, 4xx included); ' +
        'with another body → 422 `idempotency_key_reused`; while the first still runs → 409 `idempotency_key_in_use`. ' +
        'Scoped to your API key, kept 24 hours.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_\\-:.]{1,255}$' },
    },
  },
};

/** Every tag an operation may carry, described: a tag missing here fails the OpenAPI test. */
export const TAGS: { name: string; description: string }[] = [
  { name: 'contacts', description: 'People you sell to: identifiers (email, phone, WhatsApp) unique in the workspace, consents with proof, trash and merge. Lists page by keyset; `POST /v1/contacts/search` takes a filter tree.' },
  { name: 'playbooks', description: 'Sales pipelines: ordered stages a contact moves through, with stale limits and a board view.' },
  { name: 'contact-attributes', description: 'Custom fields of contacts, defined per workspace (type, options), filterable as `attributes.<key>`.' },
  { name: 'saved-views', description: 'Named contact lists: a filter tree, sort and columns; private or shared with the workspace.' },
  { name: 'imports', description: 'CSV imports of contacts: upload, mapping, dry run, a job with progress, the failed rows as a CSV, rollback.' },
  { name: 'jobs', description: 'Long-running work (bulk actions): poll status and progress.' },
  { name: 'tasks', description: 'To-dos about a contact, with a due date and an assignee.' },
  { name: 'deals', description: 'Opportunities with a contact: amount in minor units, currency, status.' },
  { name: 'meetings', description: 'Meetings with a contact: when, where, link.' },
  { name: 'comments', description: 'Notes left on a contact.' },
  { name: 'documents', description: 'Files attached to a contact (multipart upload, download).' },
  { name: 'timeline', description: 'Everything that happened to a contact, newest first, as one keyset-paged stream.' },
  { name: 'calls', description: 'Calls made or received, with outcome, duration and recording.' },
  { name: 'emails', description: 'Emails recorded, or sent through a delivery job (consent checked for the purpose).' },
  { name: 'whatsapp', description: 'WhatsApp messages: sent (inside the 24-hour window or as a template) or recorded as received.' },
  { name: 'whatsapp-templates', description: 'Approved WhatsApp message templates of the workspace.' },
  { name: 'attention', description: 'Contacts waiting for an answer (the attention queue), and ignoring contacts.' },
  { name: 'notifications', description: 'Notifications for you and for the workspace.' },
  { name: 'events', description: 'Live changes of the workspace as server-sent events, for clients that keep their screens current without polling.' },
  { name: 'workspace', description: 'The workspace of the API key and its settings.' },
  { name: 'users', description: 'Users of the workspace and their roles.' },
  { name: 'auth', description: 'Signing in to the web app: password sign-in and sign-out, the session (an HttpOnly `__Host-vixiees_session` cookie plus `X-CSRF-Token` on unsafe methods), password change and invites.' },
  { name: 'integrations', description: 'Outside services connected to the workspace (WhatsApp Cloud API): settings, encrypted secrets, status, the webhook event log and replay, and the public webhook receivers `/v1/hooks/{provider}/{integrationId}` (signed by the provider).' },
  { name: 'api-keys', description: 'API keys of the workspace: created with their secret shown once, revoked at once.' },
];

export const SERVERS = [
  {
    url: '{scheme}://{host}',
    description: 'Your Vixiees server (self-hosted; `npm start` listens on localhost:3000)',
    variables: { scheme: { default: 'http', enum: ['http', 'https'] }, host: { default: 'localhost:3000' } },
  },
];
