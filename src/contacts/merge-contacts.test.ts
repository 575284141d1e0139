import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

describe('merging contacts', () => {
  it('gives the survivor the other’s identifiers, blanks and history, and trashes the other', async () => {
    const survivor = await ws.req('POST', '/v1/contacts', { firstName: 'María', email: 'maria@example.com', externalRef: { id: 'hub-1' } });
    const dup = await ws.req('POST', '/v1/contacts', { lastName: 'Sánchez Díaz', company: 'Dup SL', phone: '+34 622 11 22 33', email: 'm.sanchez@example.com', additionalEmails: ['maria@work.example'], externalRef: { id: 'hub-2' } });
    await ws.req('POST', `/v1/contacts/${dup.body.id}/consents`, { consent: 'marketingEmail', value: true, source: 'form' });

    const res = await ws.req('POST', `/v1/contacts/${survivor.body.id}/merge`, { otherContactId: dup.body.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: survivor.body.id,
      firstName: 'María',
      lastName: 'Sánchez Díaz',
      company: 'Dup SL',
      email: 'maria@example.com',
      phone: '+34622112233',
      externalRef: { id: 'hub-1' },
    });
    expect(res.body.additionalEmails.sort()).toEqual(['m.sanchez@example.com', 'maria@work.example']);

    const gone = await ws.req('GET', `/v1/contacts/${dup.body.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(gone.body.mergedIntoId).toBe(survivor.body.id);

    // The other's identifiers now point at the survivor.
    const taken = await ws.req('POST', '/v1/contacts', { phone: '622 11 22 33' });
    expect(taken.status).toBe(409);
    expect(taken.body.contactId).toBe(survivor.body.id);

    // History moved, and the merge is recorded.
    const consents = await ws.req('GET', `/v1/contacts/${survivor.body.id}/consents`);
    expect(consents.body.data.some((r: { source: string }) => r.source === 'form')).toBe(true);
    const events = await queryRows<{ type: string; contact_id: string }>(t.database.systemDb, sql`SELECT type, contact_id FROM contact_events WHERE workspace_id = ${ws.id} AND contact_id IN (${survivor.body.id}, ${dup.body.id})`);
    expect(events.filter((e) => e.contact_id === survivor.body.id).map((e) => e.type)).toEqual(expect.arrayContaining(['contact.created', 'contact.merged']));
    expect(events.filter((e) => e.contact_id === survivor.body.id && e.type === 'contact.created')).toHaveLength(2);
    expect(events.filter((e) => e.contact_id === dup.body.id).map((e) => e.type)).toEqual(['contact.merged_into']);
  });

  it('refuses to merge a contact into itself, or a trashed one, or restore a merged one', async () => {
    const a = await ws.req('POST', '/v1/contacts', { email: 'self@example.com' });
    const self = await ws.req('POST', `/v1/contacts/${a.body.id}/merge`, { otherContactId: a.body.id });
    expect(self.status).toBe(422);
    expect(self.body.code).toBe('merge_same_contact');

    const b = await ws.req('POST', '/v1/contacts', { email: 'b-merge@example.com' });
    await ws.req('DELETE', `/v1/contacts/${b.body.id}`);
    const trashed = await ws.req('POST', `/v1/contacts/${a.body.id}/merge`, { otherContactId: b.body.id });
    expect(trashed.status).toBe(404);
    expect(trashed.body.errors[0].pointer).toBe('/otherContactId');

    const c = await ws.req('POST', '/v1/contacts', { email: 'c-merge@example.com' });
    await ws.req('POST', `/v1/contacts/${a.body.id}/merge`, { otherContactId: c.body.id });
    const restore = await ws.req('POST', `/v1/contacts/${c.body.id}/restore`);
    expect(restore.status).toBe(409);
    expect(restore.body.code).toBe('contact_merged');
  });
});
