import { randomBytes } from 'node:crypto';
import type { Database } from '../src/lib/db.ts';
import type { Response, TestApp, TestWorkspace } from './harness.ts';
import { AREAS } from './tenancy-areas.ts';

/**
 * Seeds a workspace with one real object of every kind the API manages, through the API itself
 * (so the rows are exactly what a client would create). Display text carries the workspace's
 * canary, so any answer to another workspace that contains it is a leak, whatever the route.
 * Identifiers that must be unique in a workspace (user email, attribute key, template name, email
 * Message-ID…) use a separate `shared` token without the canary: the other workspace reuses them
 * to prove uniqueness is per workspace (a 409 there would tell it they exist here).
 */
export type Seeded = {
  ws: TestWorkspace;
  canary: string;
  userId: string;
  userEmail: string;
  apiKeyId: string;
  contactId: string;
  contactEmail: string;
  contact2Id: string;
  contact2Email: string;
  contact2Phone: string;
  trashedContactId: string;
  idempotentContactId: string;
  idempotencyKey: string;
  idempotentBody: Record<string, unknown>;
  playbookId: string;
  stageId: string;
  stage2Id: string;
  attributeId: string;
  attributeKey: string;
  /** An attribute key only this workspace defines: another workspace naming it must be told it does not exist. */
  soloAttributeKey: string;
  sharedViewId: string;
  privateViewId: string;
  jobId: string;
  taskId: string;
  dealId: string;
  meetingId: string;
  commentId: string;
  documentId: string;
  callId: string;
  emailId: string;
  emailMessageId: string;
  whatsappId: string;
  whatsappProviderId: string;
  queuedWhatsappId: string;
  queuedEmailId: string;
  queuedJobId: string;
  templateId: string;
  templateName: string;
  notificationId: string;
  contactsCursor: string;
  searchCursor: string;
  /** The feature areas' own objects by name (see tenancy-areas.ts). */
  extra: Record<string, string>;
};

const hex = () => randomBytes(5).toString('hex');

/** The multipart body of a one-file upload, as a browser sends it. */
export function multipartFile(file: { name: string; type: string; content: Buffer }) {
  const boundary = `vixieesTenancy${hex()}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function ok(res: Promise<Response>, what: string, status = [200, 201]): Promise<Response> {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`seeding ${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

/** Creates workspace `label` and one object of every kind in it, through its own API. */
export async function seedWorkspace(t: TestApp, label: 'a' | 'b', phonePrefix: string): Promise<Seeded> {
  const canary = `cnry${label}${hex()}`;
  const shared = `shared${label}${hex()}`;
  const ws = await t.workspace({ name: `Workspace ${canary}` });
  const post = (url: string, body: unknown, what: string) => ok(ws.req('POST', url, body), what).then((r) => r.body);

  const userEmail = `${shared}@example.com`;
  const user = await post('/v1/users', { email: userEmail, name: `User ${canary}`, role: 'member' }, 'user');
  const apiKey = await post('/v1/api-keys', { name: `Key ${canary}` }, 'api key');

  const contactEmail = `${canary}@example.com`;
  const contact = await post('/v1/contacts', {
    firstName: 'First', lastName: `Last ${canary}`, company: `Company ${canary}`, email: contactEmail, phone: `${phonePrefix}001`,
    ownerId: user.id, externalRef: { id: `ext-${canary}` }, consents: { transactionalWhatsapp: true, transactionalEmail: true },
  }, 'contact');
  const contact2Email = `contact-${shared}@example.com`;
  const contact2Phone = `${phonePrefix}002`;
  const contact2 = await post('/v1/contacts', { firstName: `Second ${canary}`, email: contact2Email, phone: contact2Phone }, 'second contact');
  const trashed = await post('/v1/contacts', { firstName: `Trashed ${canary}`, phone: `${phonePrefix}003` }, 'trashed contact');
  await ok(ws.req('DELETE', `/v1/contacts/${trashed.id}`), 'trash', [204]);
  const idempotencyKey = `idem-${shared}`;
  const idempotentBody = { firstName: 'Idempotent', email: `idem-${shared}@example.com` };
  const idem = await ok(ws.req('POST', '/v1/contacts', idempotentBody, { 'idempotency-key': idempotencyKey }), 'idempotent contact');
  await post(`/v1/contacts/${contact.id}/consents`, { consent: 'marketingEmail', value: true, proof: { form: `form-${canary}` } }, 'consent');

  const attributeKey = `attr_${shared}`;
  const attribute = await post('/v1/contact-attributes', { key: attributeKey, label: `Attr ${canary}`, type: 'text' }, 'attribute');
  const soloAttributeKey = `solo_${shared}`;
  await post('/v1/contact-attributes', { key: soloAttributeKey, label: `Solo ${canary}`, type: 'number' }, 'solo attribute');
  await ok(ws.req('PATCH', `/v1/contacts/${contact.id}`, { customAttributes: { [attributeKey]: `value ${canary}`, [soloAttributeKey]: 7 } }), 'attribute value');

  const playbook = await post('/v1/playbooks', { name: `Playbook ${canary}`, stages: [{ name: `Stage1 ${canary}` }, { name: `Stage2 ${canary}` }] }, 'playbook');
  const [stage, stage2] = playbook.stages;
  await ok(ws.req('PUT', `/v1/contacts/${contact.id}/stage`, { playbookId: playbook.id, stageId: stage.id }), 'stage assignment');

  const filter = { field: 'ownerId', op: 'eq', value: user.id };
  const sharedView = await post('/v1/saved-views', { name: `Shared ${canary}`, filter, visibility: 'shared' }, 'shared view');
  const privateView = await post('/v1/saved-views', { name: `Private ${canary}`, visibility: 'private' }, 'private view');
  const job = await post('/v1/contacts/bulk', { selection: { ids: [contact.id] }, action: { type: 'setConsent', consent: 'marketingWhatsapp', value: true } }, 'bulk job');

  const task = await post(`/v1/contacts/${contact.id}/tasks`, { title: `Task ${canary}`, assigneeId: user.id }, 'task');
  const deal = await post(`/v1/contacts/${contact.id}/deals`, { title: `Deal ${canary}`, amountMinor: 150000, currency: 'EUR' }, 'deal');
  const meeting = await post(`/v1/contacts/${contact.id}/meetings`, { title: `Meeting ${canary}`, startsAt: '2026-12-01T10:00:00Z', endsAt: '2026-12-01T11:00:00Z', location: `Room ${canary}` }, 'meeting');
  const comment = await post(`/v1/contacts/${contact.id}/comments`, { body: `Comment ${canary}` }, 'comment');
  const file = multipartFile({ name: `notes-${canary}.txt`, type: 'text/plain', content: Buffer.from(`Document ${canary}\n`) });
  const docRes = await t.app.inject({ method: 'POST', url: `/v1/contacts/${contact.id}/documents`, payload: file.payload, headers: { 'content-type': file.contentType, authorization: `Bearer ${ws.apiKey}` } });
  if (docRes.statusCode !== 201) throw new Error(`seeding document: ${docRes.statusCode} ${docRes.body.slice(0, 300)}`);
  const document = JSON.parse(docRes.body);
  const call = await post(`/v1/contacts/${contact.id}/calls`, { direction: 'outbound', outcome: 'answered', durationSeconds: 60 }, 'call');
  const emailMessageId = `<${shared}@mail.example.com>`;
  const email = await post(`/v1/contacts/${contact.id}/emails`, { direction: 'inbound', from: contactEmail, subject: `Subject ${canary}`, body: `Body ${canary}`, messageId: emailMessageId }, 'email');
  // An inbound message on a contact without owner: pending attention and a workspace-wide notification.
  const whatsappProviderId = `wamid.${shared}`;
  const whatsapp = await post(`/v1/contacts/${contact2.id}/whatsapp-messages`, { direction: 'inbound', body: `Hello ${canary}`, providerMessageId: whatsappProviderId }, 'whatsapp');
  const templateName = `tpl_${shared}`;
  const template = await post('/v1/whatsapp-templates', { name: templateName, language: 'es', category: 'utility', body: `Template ${canary}` }, 'template');

  // Outbound work left queued (the test app runs no workers): a job run for another workspace must not touch it.
  const queuedWhatsapp = await post(`/v1/contacts/${contact.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: templateName, language: 'es' } }, 'queued whatsapp');
  const queuedEmail = await post(`/v1/contacts/${contact.id}/emails/send`, { purpose: 'transactional', subject: `Sent ${canary}`, body: `Sent body ${canary}` }, 'queued email');
  const queuedJob = await ok(ws.req('POST', '/v1/contacts/bulk', { selection: { filter: { field: 'id', op: 'eq', value: contact.id } }, action: { type: 'setConsent', consent: 'marketingEmail', value: false } }), 'queued bulk job', [202]);

  const notifications = (await ok(ws.req('GET', '/v1/notifications'), 'notifications')).body.data;
  if (notifications.length === 0) throw new Error('seeding: the inbound message raised no notification');
  const contactsCursor = (await ok(ws.req('GET', '/v1/contacts?limit=1'), 'contacts page')).body.nextCursor;
  const searchCursor = (await ok(ws.req('POST', '/v1/contacts/search', { limit: 1 }), 'search page')).body.nextCursor;
  if (!contactsCursor || !searchCursor) throw new Error('seeding: expected a next page of contacts');

  const core = {
    ws, canary, userId: user.id, userEmail, apiKeyId: apiKey.id,
    contactId: contact.id, contactEmail, contact2Id: contact2.id, contact2Email, contact2Phone, trashedContactId: trashed.id,
    idempotentContactId: idem.body.id, idempotencyKey, idempotentBody,
    playbookId: playbook.id, stageId: stage.id, stage2Id: stage2.id, attributeId: attribute.id, attributeKey, soloAttributeKey,
    sharedViewId: sharedView.id, privateViewId: privateView.id, jobId: job.id,
    taskId: task.id, dealId: deal.id, meetingId: meeting.id, commentId: comment.id, documentId: document.id,
    callId: call.id, emailId: email.id, emailMessageId, whatsappId: whatsapp.id, whatsappProviderId,
    queuedWhatsappId: queuedWhatsapp.id, queuedEmailId: queuedEmail.id, queuedJobId: queuedJob.body.id,
    templateId: template.id, templateName, notificationId: notifications[0].id, contactsCursor, searchCursor,
  };
  const extra: Record<string, string> = {};
  for (const area of AREAS) if (area.seed) Object.assign(extra, await area.seed(t, ws, core));
  return { ...core, extra };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id of the workspace's objects (and of the workspace, its owner and its owner key). */
export function idsOf(s: Seeded): string[] {
  const own = [...Object.values(s), ...Object.values(s.extra)].filter((v): v is string => typeof v === 'string' && UUID_RE.test(v));
  return [...new Set([s.ws.id, s.ws.ownerId, s.ws.apiKeyId, ...own])];
}

/** What the workspace's own API shows of each of its objects; fields computed from the clock are left out. */
export async function apiSnapshot(s: Seeded): Promise<Record<string, unknown>> {
  const urls = [
    '/v1/workspace', '/v1/users', '/v1/api-keys', '/v1/playbooks?archived=all', '/v1/contact-attributes', '/v1/saved-views',
    '/v1/whatsapp-templates', '/v1/notifications', '/v1/attention-queue', '/v1/contacts?deleted=true', '/v1/contacts?limit=500',
    `/v1/contacts/${s.contactId}`, `/v1/contacts/${s.contact2Id}`, `/v1/contacts/${s.trashedContactId}`, `/v1/contacts/${s.contactId}/consents`,
    `/v1/contacts/${s.contactId}/stage-history`, `/v1/contacts/${s.contactId}/timeline`, `/v1/contacts/${s.contact2Id}/timeline`,
    `/v1/playbooks/${s.playbookId}`, `/v1/playbooks/${s.playbookId}/stages/${s.stage2Id}`, `/v1/contact-attributes/${s.attributeId}`,
    `/v1/saved-views/${s.sharedViewId}`, `/v1/saved-views/${s.privateViewId}`, `/v1/jobs/${s.jobId}`, `/v1/tasks/${s.taskId}`,
    `/v1/deals/${s.dealId}`, `/v1/meetings/${s.meetingId}`, `/v1/comments/${s.commentId}`, `/v1/documents/${s.documentId}`,
    `/v1/documents/${s.documentId}/content`, `/v1/calls/${s.callId}`, `/v1/emails/${s.emailId}`, `/v1/whatsapp-messages/${s.whatsappId}`,
    `/v1/whatsapp-templates/${s.templateId}`, `/v1/whatsapp-messages/${s.queuedWhatsappId}`, `/v1/emails/${s.queuedEmailId}`, `/v1/jobs/${s.queuedJobId}`,
  ];
  const out: Record<string, unknown> = {};
  for (const url of urls) {
    const r = await s.ws.req('GET', url);
    out[url] = { status: r.status, body: r.body === undefined ? r.text : stripVolatile(r.body) };
  }
  return out;
}

const VOLATILE = new Set(['secondsInStage', 'remainingSeconds', 'lastUsedAt']);
function stripVolatile(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripVolatile);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, stripVolatile(x)]));
  return v;
}

/**
 * Row count and a hash of the rows, per table, of one workspace: every table with a
 * `workspace_id` column (found in the catalog, so a new table is covered) plus its `workspaces`
 * row. Read with `database.raw`, which bypasses row-level security on purpose. Columns the
 * system's own housekeeping moves while the test runs are left out: an API key's `last_used_at`,
 * and an outbox row's `published_at`, which the relay sets in the background when it moves B's
 * seeded events into the queue (its rows, topics and payloads are still compared).
 */
export async function rowSnapshot(database: Database, workspaceId: string): Promise<Record<string, string>> {
  const { rows: tables } = await database.raw(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'workspace_id'
        AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
      ORDER BY table_name`,
  );
  const out: Record<string, string> = {};
  const queries: [string, string][] = tables.map((r) => [String(r.table_name), `SELECT to_jsonb(t) - 'last_used_at' - 'published_at' AS j FROM "${String(r.table_name)}" t WHERE workspace_id = $1`]);
  queries.push(['workspaces', `SELECT to_jsonb(t) AS j FROM workspaces t WHERE id = $1`]);
  for (const [table, query] of queries) {
    const { rows } = await database.raw(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(j::text, '|' ORDER BY j::text), '')) AS h FROM (${query}) s`,
      [workspaceId],
    );
    out[table] = `${String(rows[0]?.n)} rows ${String(rows[0]?.h)}`;
  }
  return out;
}
