import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { startWorkers } from '../workers.ts';

/** The whole path: send → outbox row → relay → pg-boss → delivery job → recording adapter → `sent`. */
let t: TestApp;
let ws: TestWorkspace;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  // Its own database: these workers would otherwise run every other test file's queued jobs.
  t = await startTestApp({ ownDatabase: true });
  ws = await t.workspace();
  workers = await startWorkers(t.deps, pino({ level: 'silent' }));
});
afterAll(async () => {
  await workers.stop();
  await t.close();
});

const waitFor = async (check: () => Promise<boolean>, ms = 20_000) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error('timed out waiting for delivery');
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('delivery through the job queue', () => {
  it('delivers a sent WhatsApp message and email exactly once', async () => {
    const contact = await ws.req('POST', '/v1/contacts', { phone: '+34699000111', email: 'worker@example.com' });
    await ws.req('POST', '/v1/whatsapp-templates', { name: 'hello', language: 'es', category: 'utility', body: 'Hola' });
    const wa = await ws.req('POST', `/v1/contacts/${contact.body.id}/whatsapp-messages`, { direction: 'outbound', purpose: 'transactional', template: { name: 'hello' } });
    const email = await ws.req('POST', `/v1/contacts/${contact.body.id}/emails/send`, { purpose: 'transactional', subject: 'Hola', body: 'Qué tal' });
    expect([wa.status, email.status]).toEqual([201, 201]);
    await workers.relay.flush();
    await waitFor(async () => (await ws.req('GET', `/v1/whatsapp-messages/${wa.body.id}`)).body.status === 'sent' && (await ws.req('GET', `/v1/emails/${email.body.id}`)).body.status === 'sent');
    const rows = await queryRows<{ channel: string; recipient: string }>(t.database.systemDb, sql`SELECT channel, recipient FROM outbound_deliveries WHERE workspace_id = ${ws.id} ORDER BY channel`);
    expect(rows).toEqual([{ channel: 'email', recipient: 'worker@example.com' }, { channel: 'whatsapp', recipient: '+34699000111' }]);
  });
});
