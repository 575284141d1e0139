import { nf, list, pointer, refused, jobCheck, docs, BY_ID, SUB_LIST, SUB_CREATE } from './tenancy-probes.ts';
import type { Fixture } from './tenancy-probes.ts';
import { AREAS } from './tenancy-areas.ts';

export type { Fixture, Probe } from './tenancy-probes.ts';

/** One entry per route the app registers (method and URL as in `app.routeManifest`), public ones excepted. */
const CORE_FIXTURES: Record<string, Fixture> = {
  'GET /docs': docs('/docs'),
  'GET /docs/static/index.html': docs('/docs/static/index.html', 302),
  'GET /docs/static/swagger-initializer.js': docs('/docs/static/swagger-initializer.js'),
  'GET /docs/json': docs('/docs/json'),
  'GET /docs/yaml': docs('/docs/yaml'),
  'GET /docs/static/*': docs('/docs/static/swagger-ui.css'),

  'GET /v1/workspace': { why: 'No id: the caller\'s own workspace, never B\'s.', probes: (a) => [list('/v1/workspace', [a.ws.id])] },
  'PATCH /v1/workspace': { why: 'No id: changes A\'s workspace only (B\'s row is in the unchanged snapshot).', probes: (a) => [{ url: '/v1/workspace', body: { locale: 'es-ES' }, status: 200, mustInclude: [a.ws.id] }] },
  'GET /v1/users': { why: 'A list: A\'s users, none of B\'s.', probes: (a) => [list('/v1/users', [a.ws.ownerId, a.userId])] },
  'GET /v1/users/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/users/${b.userId}`), nf(`/v1/users/${b.ws.ownerId}`)] },
  'POST /v1/users': {
    why: 'B\'s user email is free in A: a 409 would reveal that the address is a user of another workspace.',
    probes: (_a, b) => [{ url: '/v1/users', body: { email: b.userEmail, role: 'member' }, status: 201 }],
  },
  'POST /v1/api-keys': { why: 'No id: a key of A\'s workspace.', probes: () => [{ url: '/v1/api-keys', body: { name: 'probe' }, status: 201 }] },
  'GET /v1/api-keys': { why: 'A list: A\'s keys, none of B\'s.', probes: (a) => [list('/v1/api-keys', [a.ws.apiKeyId, a.apiKeyId])] },
  'DELETE /v1/api-keys/:id': { why: `${BY_ID} B's keys keep working (B reads its snapshot with one).`, probes: (_a, b) => [nf(`/v1/api-keys/${b.apiKeyId}`), nf(`/v1/api-keys/${b.ws.apiKeyId}`)] },

  'POST /v1/contacts': {
    why: 'Create: B\'s email and phone are free in A (no 409 naming B\'s contact); B\'s user cannot own A\'s contact (422); B\'s Idempotency-Key creates A\'s own contact, never replays B\'s response.',
    probes: (_a, b) => [
      { url: '/v1/contacts', body: { email: b.contact2Email }, status: 201 },
      { url: '/v1/contacts', body: { phone: b.contact2Phone }, status: 201 },
      refused('/v1/contacts', { firstName: 'Owned', email: 'owned@example.com', ownerId: b.userId }, '/ownerId'),
      { url: '/v1/contacts', body: b.idempotentBody, headers: { 'idempotency-key': b.idempotencyKey }, status: 201, check: (c) => (c.id === b.idempotentContactId ? 'replayed B\'s response' : null) },
    ],
  },
  'GET /v1/contacts': {
    why: 'A list: A\'s contacts only, also when filtered by B\'s owner, stage or email; B\'s cursor is refused (it is bound to B\'s workspace); sorting by an attribute only B defines answers exactly as for a key nobody defines (400 at /query/sort), so A cannot probe B\'s schema.',
    probes: (a, b) => [
      list('/v1/contacts?limit=500', [a.contactId, a.contact2Id]),
      list('/v1/contacts?deleted=true', [a.trashedContactId]),
      list(`/v1/contacts?ownerId=${b.userId}`),
      list(`/v1/contacts?playbookId=${b.playbookId}&stageId=${b.stageId}`),
      list(`/v1/contacts?email=${encodeURIComponent(b.contactEmail)}`),
      list(`/v1/contacts?q=${b.canary}`),
      { url: `/v1/contacts?sort=attributes.${b.soloAttributeKey}`, status: 400, code: 'validation_failed', check: pointer('/query/sort') },
      { url: `/v1/contacts?sort=attributes.never_${b.soloAttributeKey}`, status: 400, code: 'validation_failed', check: pointer('/query/sort') },
      { url: `/v1/contacts?cursor=${encodeURIComponent(b.contactsCursor)}`, status: 400, code: 'invalid_cursor' },
    ],
  },
  'GET /v1/contacts/:id': { why: `${BY_ID} Also for B's trashed contact.`, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}`), nf(`/v1/contacts/${b.trashedContactId}`)] },
  'PATCH /v1/contacts/:id': {
    why: `${BY_ID} A's own contact cannot be given B's user as owner (422).`,
    probes: (a, b) => [nf(`/v1/contacts/${b.contactId}`, { company: 'hijack' }), refused(`/v1/contacts/${a.contactId}`, { ownerId: b.userId }, '/ownerId')],
  },
  'DELETE /v1/contacts/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}`)] },
  'POST /v1/contacts/:id/restore': { why: `${BY_ID} B's trashed contact stays in B's trash.`, probes: (_a, b) => [nf(`/v1/contacts/${b.trashedContactId}/restore`)] },
  'POST /v1/contacts/:id/merge': {
    why: `${BY_ID} Either side of a merge being B's contact is a 404: A can neither absorb B's contact nor push its own into B's.`,
    probes: (a, b) => [
      nf(`/v1/contacts/${b.contactId}/merge`, { otherContactId: b.contact2Id }),
      nf(`/v1/contacts/${b.contactId}/merge`, { otherContactId: a.contact2Id }),
      nf(`/v1/contacts/${a.contactId}/merge`, { otherContactId: b.contact2Id }),
    ],
  },
  'POST /v1/contacts/:id/consents': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/consents`, { consent: 'marketingEmail', value: false })] },
  'GET /v1/contacts/:id/consents': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/consents`)] },

  'POST /v1/playbooks': { why: 'No id: a playbook of A.', probes: () => [{ url: '/v1/playbooks', body: { name: 'Probe playbook' }, status: 201 }] },
  'GET /v1/playbooks': { why: 'A list: A\'s playbooks only.', probes: (a) => [list('/v1/playbooks?archived=all', [a.playbookId, a.stageId])] },
  'POST /v1/playbooks/reorder': {
    why: 'Ids in the body: B\'s playbook is not one of A\'s, so the order is refused (422) and B\'s positions stay.',
    probes: (a, b) => [refused('/v1/playbooks/reorder', { playbookIds: [b.playbookId] }, '/playbookIds/0'), refused('/v1/playbooks/reorder', { playbookIds: [a.playbookId, b.playbookId] }, '/playbookIds/1')],
  },
  'GET /v1/playbooks/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/playbooks/${b.playbookId}`)] },
  'PATCH /v1/playbooks/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/playbooks/${b.playbookId}`, { name: 'hijack', archived: true })] },
  'GET /v1/playbooks/:id/board': {
    why: `${BY_ID} A's own board shows A's contact in its stage and nothing of B's (stage counts are per workspace).`,
    probes: (a, b) => [nf(`/v1/playbooks/${b.playbookId}/board`), list(`/v1/playbooks/${a.playbookId}/board`, [a.contactId, a.stageId])],
  },
  'POST /v1/playbooks/:id/stages': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages`, { name: 'hijack' })] },
  'GET /v1/playbooks/:id/stages': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages`)] },
  'POST /v1/playbooks/:id/stages/reorder': {
    why: `${BY_ID} A's own playbook cannot be ordered with B's stages (422).`,
    probes: (a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages/reorder`, { stageIds: [b.stage2Id, b.stageId] }), refused(`/v1/playbooks/${a.playbookId}/stages/reorder`, { stageIds: [b.stage2Id, b.stageId] }, '/stageIds/0')],
  },
  'GET /v1/playbooks/:id/stages/:stageId': {
    why: `${BY_ID} Under B's playbook or under A's own playbook alike.`,
    probes: (a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages/${b.stageId}`), nf(`/v1/playbooks/${a.playbookId}/stages/${b.stageId}`)],
  },
  'PATCH /v1/playbooks/:id/stages/:stageId': {
    why: `${BY_ID} Under B's playbook or under A's own playbook alike.`,
    probes: (a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages/${b.stageId}`, { name: 'hijack' }), nf(`/v1/playbooks/${a.playbookId}/stages/${b.stageId}`, { name: 'hijack' })],
  },
  'DELETE /v1/playbooks/:id/stages/:stageId': {
    why: `${BY_ID} B's second stage is empty, so a leak would delete it.`,
    probes: (a, b) => [nf(`/v1/playbooks/${b.playbookId}/stages/${b.stage2Id}`), nf(`/v1/playbooks/${a.playbookId}/stages/${b.stage2Id}`)],
  },
  'PUT /v1/contacts/:id/stage': {
    why: `${BY_ID} A's own contact cannot be put in B's playbook or stage: the API answers an id in the body that is not the workspace's with 422 and the field's pointer.`,
    probes: (a, b) => [
      nf(`/v1/contacts/${b.contactId}/stage`, { playbookId: a.playbookId, stageId: a.stage2Id }),
      refused(`/v1/contacts/${a.contact2Id}/stage`, { playbookId: b.playbookId, stageId: b.stage2Id }, '/playbookId'),
      refused(`/v1/contacts/${a.contact2Id}/stage`, { playbookId: a.playbookId, stageId: b.stage2Id }, '/stageId'),
    ],
  },
  'DELETE /v1/contacts/:id/stage': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/stage`)] },
  'GET /v1/contacts/:id/stage-history': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/stage-history`)] },
  'GET /v1/contacts/:id/stage-durations': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/stage-durations`)] },

  'GET /v1/contact-attributes': { why: 'A list: A\'s definitions only.', probes: (a) => [list('/v1/contact-attributes', [a.attributeId])] },
  'POST /v1/contact-attributes': {
    why: 'B\'s attribute key is free in A (keys are per workspace; a 409 would reveal B\'s schema).',
    probes: (_a, b) => [{ url: '/v1/contact-attributes', body: { key: b.attributeKey, label: 'Same key', type: 'text' }, status: 201 }],
  },
  'GET /v1/contact-attributes/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contact-attributes/${b.attributeId}`)] },
  'PATCH /v1/contact-attributes/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contact-attributes/${b.attributeId}?mode=clear`, { label: 'hijack', type: 'number' })] },
  'DELETE /v1/contact-attributes/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contact-attributes/${b.attributeId}?mode=clear`)] },

  'POST /v1/contacts/search': {
    why: 'A search: A\'s contacts only, whatever B id, email or stage the filter names; an attribute only B defines is as unknown as one nobody defines (422 at /filter/field); B\'s cursor is refused.',
    probes: (a, b) => [
      { url: '/v1/contacts/search', body: { limit: 500 }, status: 200, mustInclude: [a.contactId, a.contact2Id] },
      { url: '/v1/contacts/search', body: { filter: { field: 'id', op: 'eq', value: b.contactId } }, status: 200 },
      { url: '/v1/contacts/search', body: { filter: { field: 'ownerId', op: 'eq', value: b.userId } }, status: 200 },
      { url: '/v1/contacts/search', body: { filter: { field: 'email', op: 'eq', value: b.contactEmail } }, status: 200 },
      { url: '/v1/contacts/search', body: { filter: { field: 'stageId', op: 'eq', value: b.stageId } }, status: 200 },
      { url: '/v1/contacts/search', body: { q: b.canary }, status: 200 },
      refused('/v1/contacts/search', { filter: { field: `attributes.${b.soloAttributeKey}`, op: 'eq', value: 7 } }, '/filter/field'),
      refused('/v1/contacts/search', { filter: { field: `attributes.never_${b.soloAttributeKey}`, op: 'eq', value: 7 } }, '/filter/field'),
      { url: '/v1/contacts/search', body: { cursor: b.searchCursor }, status: 400, code: 'invalid_cursor' },
    ],
  },
  'POST /v1/saved-views': { why: 'No id: a view of A\'s workspace.', probes: () => [{ url: '/v1/saved-views', body: { name: 'Probe view', visibility: 'shared' }, status: 201 }] },
  'GET /v1/saved-views': { why: 'A list: A\'s views only (B\'s shared view is shared within B).', probes: (a) => [list('/v1/saved-views', [a.sharedViewId, a.privateViewId])] },
  'GET /v1/saved-views/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/saved-views/${b.sharedViewId}`), nf(`/v1/saved-views/${b.privateViewId}`)] },
  'PATCH /v1/saved-views/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/saved-views/${b.sharedViewId}`, { name: 'hijack' })] },
  'DELETE /v1/saved-views/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/saved-views/${b.sharedViewId}`)] },

  'POST /v1/contacts/bulk': {
    why: 'Ids in the body: each of B\'s contacts is a per-contact not_found failure of A\'s job (the API reports bulk outcomes per contact), and B\'s contacts stay unchanged; B\'s stage is a per-contact validation_failed (as in PUT …/stage); B\'s user as owner is a 422; a filter naming B\'s contact selects nothing.',
    probes: (a, b) => [
      { url: '/v1/contacts/bulk', body: { selection: { ids: [b.contactId, b.contact2Id] }, action: { type: 'delete' } }, status: 200, check: jobCheck(2, 2) },
      { url: '/v1/contacts/bulk', body: { selection: { ids: [b.contact2Id] }, action: { type: 'ignore' } }, status: 200, check: jobCheck(1, 1) },
      { url: '/v1/contacts/bulk', body: { selection: { ids: [a.contact2Id] }, action: { type: 'moveStage', playbookId: b.playbookId, stageId: b.stage2Id } }, status: 200, check: jobCheck(1, 1, 'validation_failed') },
      refused('/v1/contacts/bulk', { selection: { ids: [a.contact2Id] }, action: { type: 'setOwner', ownerId: b.userId } }, '/action/ownerId'),
      { url: '/v1/contacts/bulk', body: { selection: { filter: { field: 'id', op: 'eq', value: b.contactId } }, action: { type: 'ignore' } }, status: 202, check: jobCheck(0, 0) },
    ],
  },
  'GET /v1/jobs/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/jobs/${b.jobId}`)] },

  'POST /v1/contacts/:id/tasks': {
    why: `${SUB_CREATE} A's own task cannot be assigned to B's user (422).`,
    probes: (a, b) => [nf(`/v1/contacts/${b.contactId}/tasks`, { title: 'hijack' }), refused(`/v1/contacts/${a.contactId}/tasks`, { title: 'Assigned', assigneeId: b.userId }, '/assigneeId')],
  },
  'GET /v1/contacts/:id/tasks': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/tasks`)] },
  'GET /v1/tasks/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/tasks/${b.taskId}`)] },
  'PATCH /v1/tasks/:id': {
    why: `${BY_ID} A's own task cannot be assigned to B's user (422).`,
    probes: (a, b) => [nf(`/v1/tasks/${b.taskId}`, { status: 'done' }), refused(`/v1/tasks/${a.taskId}`, { assigneeId: b.userId }, '/assigneeId')],
  },
  'DELETE /v1/tasks/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/tasks/${b.taskId}`)] },

  'POST /v1/contacts/:id/deals': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/deals`, { title: 'hijack' })] },
  'GET /v1/contacts/:id/deals': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/deals`)] },
  'GET /v1/deals/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/deals/${b.dealId}`)] },
  'PATCH /v1/deals/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/deals/${b.dealId}`, { title: 'hijack', status: 'lost' })] },
  'DELETE /v1/deals/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/deals/${b.dealId}`)] },

  'POST /v1/contacts/:id/meetings': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/meetings`, { title: 'hijack', startsAt: '2026-12-02T10:00:00Z', endsAt: '2026-12-02T11:00:00Z' })] },
  'GET /v1/contacts/:id/meetings': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/meetings`)] },
  'GET /v1/meetings/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/meetings/${b.meetingId}`)] },
  'PATCH /v1/meetings/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/meetings/${b.meetingId}`, { title: 'hijack' })] },
  'DELETE /v1/meetings/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/meetings/${b.meetingId}`)] },

  'POST /v1/contacts/:id/comments': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/comments`, { body: 'hijack' })] },
  'GET /v1/contacts/:id/comments': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/comments`)] },
  'GET /v1/comments/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/comments/${b.commentId}`)] },
  'PATCH /v1/comments/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/comments/${b.commentId}`, { body: 'hijack' })] },
  'DELETE /v1/comments/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/comments/${b.commentId}`)] },

  'POST /v1/contacts/:id/documents': {
    why: `${SUB_CREATE} Sent as a real multipart upload, so the 404 is the contact's, not a missing file's.`,
    probes: (_a, b) => [{ url: `/v1/contacts/${b.contactId}/documents`, file: { name: 'hijack.txt', type: 'text/plain', content: Buffer.from('hijack\n') }, notFound: true }],
  },
  'GET /v1/contacts/:id/documents': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/documents`)] },
  'GET /v1/documents/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/documents/${b.documentId}`)] },
  'GET /v1/documents/:id/content': { why: `${BY_ID} The file's bytes above all.`, probes: (_a, b) => [nf(`/v1/documents/${b.documentId}/content`)] },
  'PATCH /v1/documents/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/documents/${b.documentId}`, { name: 'hijack.txt' })] },
  'DELETE /v1/documents/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/documents/${b.documentId}`)] },

  'GET /v1/contacts/:id/timeline': {
    why: `${SUB_LIST} A's own contact's timeline gathers A's elements and none of B's.`,
    probes: (a, b) => [nf(`/v1/contacts/${b.contactId}/timeline`), nf(`/v1/contacts/${b.contact2Id}/timeline`), list(`/v1/contacts/${a.contactId}/timeline?limit=500`, [a.dealId, a.taskId, a.callId, a.emailId])],
  },

  'POST /v1/contacts/:id/calls': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/calls`, { direction: 'inbound', outcome: 'missed' })] },
  'GET /v1/contacts/:id/calls': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/calls`)] },
  'GET /v1/calls/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/calls/${b.callId}`)] },
  'PATCH /v1/calls/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/calls/${b.callId}`, { outcome: 'busy' })] },
  'DELETE /v1/calls/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/calls/${b.callId}`)] },

  'POST /v1/contacts/:id/emails': {
    why: `${SUB_CREATE} B's Message-ID is free in A (unique per workspace; a 409 would reveal B's mail).`,
    probes: (a, b) => [
      nf(`/v1/contacts/${b.contactId}/emails`, { direction: 'inbound', subject: 'hijack' }),
      { url: `/v1/contacts/${a.contactId}/emails`, body: { direction: 'inbound', subject: 'Same id', messageId: b.emailMessageId }, status: 201 },
    ],
  },
  'POST /v1/contacts/:id/emails/send': { why: SUB_CREATE, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/emails/send`, { purpose: 'transactional', subject: 'hijack', body: 'hijack' })] },
  'GET /v1/contacts/:id/emails': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/emails`)] },
  'GET /v1/emails/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/emails/${b.emailId}`)] },
  'DELETE /v1/emails/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/emails/${b.emailId}`)] },

  'POST /v1/contacts/:id/whatsapp-messages': {
    why: `${SUB_CREATE} B's provider message id is free in A (unique per workspace).`,
    probes: (a, b) => [
      nf(`/v1/contacts/${b.contact2Id}/whatsapp-messages`, { direction: 'inbound', body: 'hijack' }),
      nf(`/v1/contacts/${b.contactId}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: b.templateName, language: 'es' } }),
      { url: `/v1/contacts/${a.contactId}/whatsapp-messages`, body: { direction: 'inbound', body: 'Same id', providerMessageId: b.whatsappProviderId }, status: 201 },
    ],
  },
  'GET /v1/contacts/:id/whatsapp-messages': { why: SUB_LIST, probes: (_a, b) => [nf(`/v1/contacts/${b.contact2Id}/whatsapp-messages`)] },
  'GET /v1/whatsapp-messages/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-messages/${b.whatsappId}`)] },
  'PATCH /v1/whatsapp-messages/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-messages/${b.whatsappId}`, { status: 'read' })] },
  'DELETE /v1/whatsapp-messages/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-messages/${b.whatsappId}`)] },
  'GET /v1/whatsapp-templates': { why: 'A list: A\'s templates only.', probes: (a) => [list('/v1/whatsapp-templates', [a.templateId])] },
  'GET /v1/whatsapp-templates/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-templates/${b.templateId}`)] },
  'POST /v1/whatsapp-templates': {
    why: 'B\'s template name is free in A (unique per workspace).',
    probes: (_a, b) => [{ url: '/v1/whatsapp-templates', body: { name: b.templateName, language: 'es', category: 'utility', body: 'Same name' }, status: 201 }],
  },
  'PATCH /v1/whatsapp-templates/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-templates/${b.templateId}`, { body: 'hijack' })] },
  'DELETE /v1/whatsapp-templates/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/whatsapp-templates/${b.templateId}`)] },

  'GET /v1/attention-queue': {
    why: 'A list: A\'s pending contacts only, also filtered by B\'s user.',
    probes: (a, b) => [list('/v1/attention-queue', [a.contact2Id]), list(`/v1/attention-queue?ownerId=${b.userId}`)],
  },
  'POST /v1/contacts/:id/ignore': { why: `${BY_ID} B's contact stays pending.`, probes: (_a, b) => [nf(`/v1/contacts/${b.contact2Id}/ignore`)] },
  'POST /v1/contacts/:id/unignore': { why: BY_ID, probes: (_a, b) => [nf(`/v1/contacts/${b.contactId}/unignore`)] },
  'GET /v1/notifications': { why: 'A list: A\'s notifications only.', probes: (a) => [list('/v1/notifications', [a.notificationId])] },
  'POST /v1/notifications/:id/read': { why: `${BY_ID} B's notification stays unread.`, probes: (_a, b) => [nf(`/v1/notifications/${b.notificationId}/read`)] },
};

/** The core's fixtures, and each feature area's own (see tenancy-areas.ts). */
export const FIXTURES: Record<string, Fixture> = Object.assign({}, CORE_FIXTURES, ...AREAS.map((area) => area.fixtures));
