import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { jobHandlers } from '../workers.ts';
import { BULK_TOPIC } from './bulk.service.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let seller: string;
let n = 0;

const create = async (w: TestWorkspace, extra: object = {}) => (await w.req('POST', '/v1/contacts', { email: `b${++n}@example.com`, ...extra })).body.id as string;
const createMany = async (count: number, extra: object = {}) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await create(ws, extra));
  return ids;
};
/** What the queue does with the outbox event: the real handler from workers.ts. */
const runJob = (jobId: string) => jobHandlers(t.deps)[BULK_TOPIC]!.run({ workspaceId: ws.id, jobId }, { id: jobId, retryCount: 0, lastAttempt: false });

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  seller = (await ws.req('POST', '/v1/users', { email: 'seller@example.com', role: 'member' })).body.id;
});
afterAll(() => t.close());

describe('bulk actions', () => {
  it('applies a small selection at once, each change recorded as a single edit, and reports failures', async () => {
    const mine = await createMany(3);
    const trashed = await create(ws);
    await ws.req('DELETE', `/v1/contacts/${trashed}`);
    const theirs = await create(other);
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids: [...mine, trashed, theirs] }, action: { type: 'setOwner', ownerId: seller } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', progress: { done: 3, failed: 2, total: 5 } });
    expect(res.body.result.failures.map((f: { contactId: string; code: string }) => [f.contactId, f.code]).sort()).toEqual([[trashed, 'not_found'], [theirs, 'not_found']].sort());
    for (const id of mine) expect((await ws.req('GET', `/v1/contacts/${id}`)).body).toMatchObject({ ownerId: seller, version: 2 });
    expect((await other.req('GET', `/v1/contacts/${theirs}`)).body).toMatchObject({ ownerId: null, version: 1 });
    const again = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids: mine }, action: { type: 'setOwner', ownerId: seller } });
    expect(again.body.progress).toEqual({ done: 3, failed: 0, total: 3 });
    expect((await ws.req('GET', `/v1/contacts/${mine[0]}`)).body.version).toBe(2);
  });

  it('records a consent change with its proof trail like a single edit', async () => {
    const [id] = await createMany(1);
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids: [id] }, action: { type: 'setConsent', consent: 'marketingEmail', value: true } });
    expect(res.body.progress).toEqual({ done: 1, failed: 0, total: 1 });
    const history = await ws.req('GET', `/v1/contacts/${id}/consents`);
    expect(history.body.data[0]).toMatchObject({ consent: 'marketingEmail', value: true, source: 'bulk' });
  });

  it('runs a large selection as a job with progress, resumable without applying twice', async () => {
    const ids = await createMany(120);
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'setConsent', consent: 'marketingWhatsapp', value: true } });
    expect(res.status, res.text).toBe(202);
    expect(res.headers.location).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'queued', progress: { done: 0, failed: 0, total: 120 }, result: null });
    // A worker that crashed after changing the first contacts but before settling their items:
    for (const id of ids.slice(0, 5)) await ws.req('PATCH', `/v1/contacts/${id}`, { consents: { marketingWhatsapp: true } });
    await runJob(res.body.id);
    await runJob(res.body.id); // a redelivered job is a no-op
    const job = await ws.req('GET', `/v1/jobs/${res.body.id}`);
    expect(job.body).toMatchObject({ status: 'succeeded', progress: { done: 120, failed: 0, total: 120 }, result: { failures: [] } });
    expect(job.body.finishedAt).not.toBeNull();
    const history = await ws.req('GET', `/v1/contacts/${ids[0]}/consents`);
    expect(history.body.data.filter((r: { consent: string; value: boolean }) => r.consent === 'marketingWhatsapp' && r.value)).toHaveLength(1);
    const all = await ws.req('POST', '/v1/contacts/search', { filter: { field: 'id', op: 'in', value: ids }, limit: 500 });
    expect(all.body.data.every((c: { consents: { marketingWhatsapp: boolean } }) => c.consents.marketingWhatsapp)).toBe(true);
  });

  it('ends a job whose retries are spent as failed, not running forever', async () => {
    const ids = await createMany(101);
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'setConsent', consent: 'marketingEmail', value: true } });
    expect(res.status, res.text).toBe(202);
    await jobHandlers(t.deps)[BULK_TOPIC]!.giveUp!({ workspaceId: ws.id, jobId: res.body.id }, new Error('database gone'));
    const job = await ws.req('GET', `/v1/jobs/${res.body.id}`);
    expect(job.body.status).toBe('failed');
    expect(job.body.finishedAt).not.toBeNull();
    // A late redelivery does not bring it back to life.
    await runJob(res.body.id);
    expect((await ws.req('GET', `/v1/jobs/${res.body.id}`)).body.status).toBe('failed');
  });

  it('acts on every contact matching a filter, as a job, and lists the failures with reasons', async () => {
    const doomed = await createMany(4, { company: 'Borrar SA' });
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { filter: { field: 'company', op: 'eq', value: 'borrar sa' } }, action: { type: 'delete' } });
    expect(res.status, res.text).toBe(202);
    expect(res.body.progress.total).toBe(4);
    await runJob(res.body.id);
    for (const id of doomed) expect((await ws.req('GET', `/v1/contacts/${id}`)).body.deletedAt).not.toBeNull();
    const failing = await ws.req('POST', '/v1/contacts/bulk', { selection: { filter: { field: 'id', op: 'in', value: doomed.slice(0, 1) }, q: 'b' }, action: { type: 'setAttribute', key: 'nope', value: 1 } });
    expect(failing.body.progress.total).toBe(0);
    const live = await createMany(2, { company: 'Atributos SL' });
    const attr = await ws.req('POST', '/v1/contacts/bulk', { selection: { filter: { field: 'company', op: 'eq', value: 'Atributos SL' } }, action: { type: 'setAttribute', key: 'nope', value: 1 } });
    await runJob(attr.body.id);
    const job = await ws.req('GET', `/v1/jobs/${attr.body.id}`);
    expect(job.body.progress).toEqual({ done: 0, failed: 2, total: 2 });
    expect(job.body.result.failures.map((f: { contactId: string }) => f.contactId).sort()).toEqual(live.sort());
    expect(job.body.result.failures[0].code).toBe('validation_failed');
  });

  it.each([
    ['ids and a filter together', { selection: { ids: ['0193a3c4-0000-7000-8000-000000000000'], filter: { field: 'source', op: 'eq', value: 'api' } }, action: { type: 'delete' } }, '/selection'],
    ['more than 1000 ids', { selection: { ids: Array.from({ length: 1001 }, (_, i) => `0193a3c4-0000-7000-8000-${String(i).padStart(12, '0')}`) }, action: { type: 'delete' } }, '/selection/ids'],
    ['an unknown action', { selection: { ids: ['0193a3c4-0000-7000-8000-000000000000'] }, action: { type: 'paint' } }, '/action/type'],
    ['an unknown filter field', { selection: { filter: { field: 'colour', op: 'eq', value: 1 } }, action: { type: 'delete' } }, '/selection/filter/field'],
    ['an owner of another workspace', { selection: { ids: ['0193a3c4-0000-7000-8000-000000000000'] }, action: { type: 'setOwner', ownerId: '0193a3c4-0000-7000-8000-000000000001' } }, '/action/ownerId'],
  ])('rejects %s', async (_label, body, pointer) => {
    const res = await ws.req('POST', '/v1/contacts/bulk', body);
    expect(res.status, res.text).toBe(422);
    expect(res.body.errors[0].pointer).toBe(pointer);
  });

  it("hides another workspace's jobs", async () => {
    const ids = await createMany(101);
    const res = await ws.req('POST', '/v1/contacts/bulk', { selection: { ids }, action: { type: 'setOwner', ownerId: null } });
    expect((await other.req('GET', `/v1/jobs/${res.body.id}`)).status).toBe(404);
    expect((await ws.req('GET', `/v1/jobs/${res.body.id}`)).status).toBe(200);
  });
});
