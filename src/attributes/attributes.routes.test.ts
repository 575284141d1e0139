import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let member: TestWorkspace['req'];
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  member = ws.as((await ws.req('POST', '/v1/api-keys', { name: 'member', role: 'member' })).body.secret);
});
afterAll(() => t.close());

const OPTIONS = [{ value: 'es', label: 'Spain' }, { value: 'mx', label: 'Mexico' }, { value: 'ar', label: 'Argentina' }];
const define = async (body: Record<string, unknown>, w = ws) => {
  const res = await w.req('POST', '/v1/contact-attributes', body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; key: string; version: number };
};
let n = 0;
const contactWith = async (customAttributes: Record<string, unknown>) => {
  const res = await ws.req('POST', '/v1/contacts', { email: `attr${++n}@example.com`, customAttributes });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; customAttributes: Record<string, unknown> };
};
const valuesOf = async (id: string) => (await ws.req('GET', `/v1/contacts/${id}`)).body.customAttributes;

describe('contact attribute definitions', () => {
  it('defines every type and lists them in order', async () => {
    const a = await define({ key: 'budget', label: 'Budget', type: 'number' });
    expect(a).toMatchObject({ key: 'budget', label: 'Budget', type: 'number', options: [], required: false, position: 0, version: 1 });
    await define({ key: 'country', label: 'Country', type: 'single_select', options: OPTIONS });
    const list = await ws.req('GET', '/v1/contact-attributes');
    expect(list.body.data.map((x: { key: string }) => x.key)).toEqual(['budget', 'country']);
    expect((await member('GET', '/v1/contact-attributes')).status).toBe(200);
  });

  it('rejects a duplicate key, a bad key, an option value used twice and options on a non-select', async () => {
    await define({ key: 'dup_key', label: 'X', type: 'text' });
    const dup = await ws.req('POST', '/v1/contact-attributes', { key: 'dup_key', label: 'Y', type: 'number' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'attribute_key_taken', errors: [{ pointer: '/key' }] });
    // Another workspace may use the same key.
    await define({ key: 'dup_key', label: 'X', type: 'text' }, other);
    for (const key of ['Bad', '1abc', 'with-dash', 'a'.repeat(64), '']) {
      const res = await ws.req('POST', '/v1/contact-attributes', { key, label: 'X', type: 'text' });
      expect(res.status, key).toBe(422);
      expect(res.body.errors[0].pointer).toBe('/key');
    }
    const twice = await ws.req('POST', '/v1/contact-attributes', { key: 'sel', label: 'S', type: 'multi_select', options: [{ value: 'a', label: 'A' }, { value: 'a', label: 'B' }] });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([expect.objectContaining({ pointer: '/options/1/value', code: 'duplicate_option_value' })]);
    const none = await ws.req('POST', '/v1/contact-attributes', { key: 'sel', label: 'S', type: 'single_select' });
    expect(none.body.errors[0]).toMatchObject({ pointer: '/options', code: 'required' });
    const notAllowed = await ws.req('POST', '/v1/contact-attributes', { key: 'num', label: 'N', type: 'number', options: OPTIONS });
    expect(notAllowed.body.errors[0]).toMatchObject({ pointer: '/options', code: 'not_allowed' });
  });

  it('lets members read but not change definitions (403)', async () => {
    const a = await define({ key: 'member_check', label: 'M', type: 'text' });
    for (const [method, url, body] of [
      ['POST', '/v1/contact-attributes', { key: 'nope', label: 'N', type: 'text' }],
      ['PATCH', `/v1/contact-attributes/${a.id}`, { label: 'N' }],
      ['DELETE', `/v1/contact-attributes/${a.id}`],
    ] as const) {
      const res = await member(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
    }
  });

  it("answers 404 for another workspace's definition on every route", async () => {
    const theirs = await define({ key: 'theirs', label: 'T', type: 'text' }, other);
    for (const [method, body] of [['GET'], ['PATCH', { label: 'Mine' }], ['DELETE']] as const) {
      const res = await ws.req(method, `/v1/contact-attributes/${theirs.id}`, body);
      expect(res.status, method).toBe(404);
    }
    expect((await other.req('GET', `/v1/contact-attributes/${theirs.id}`)).body.label).toBe('T');
    // Their key is unknown here.
    const c = await ws.req('POST', '/v1/contacts', { email: 'theirs-key@example.com', customAttributes: { theirs: 'x' } });
    expect(c.body.errors[0]).toMatchObject({ pointer: '/customAttributes/theirs', code: 'unknown_attribute' });
  });
});

describe('attribute values on contacts', () => {
  it('validates values through the API, naming the field, and null clears', async () => {
    await define({ key: 'v_date', label: 'Renewal', type: 'date' });
    await define({ key: 'v_tags', label: 'Tags', type: 'multi_select', options: OPTIONS });
    await define({ key: 'v_flag', label: 'Flag', type: 'boolean' });
    const bad = await ws.req('POST', '/v1/contacts', { email: 'bad-values@example.com', customAttributes: { v_date: '2026-02-30', v_tags: ['es', 'es'], v_flag: 'yes', nope: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ['/customAttributes/v_date', 'invalid_date'], ['/customAttributes/v_tags', 'duplicate_option'], ['/customAttributes/v_flag', 'invalid_type'], ['/customAttributes/nope', 'unknown_attribute'],
    ]);
    expect((await ws.req('GET', '/v1/contacts?email=bad-values@example.com')).body.data).toHaveLength(0);
    const c = await contactWith({ v_date: '2028-02-29', v_tags: ['mx', 'es'], v_flag: false });
    expect(c.customAttributes).toEqual({ v_date: '2028-02-29', v_tags: ['mx', 'es'], v_flag: false });
    const cleared = await ws.req('PATCH', `/v1/contacts/${c.id}`, { customAttributes: { v_flag: null, v_date: '2029-01-01' } });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.customAttributes).toEqual({ v_date: '2029-01-01', v_tags: ['mx', 'es'] });
  });

  it('stores the longest text allowed even in 4-byte characters (it must fit the per-key index)', async () => {
    await define({ key: 'v_long', label: 'Long', type: 'text' });
    const longest = '😀'.repeat(250);
    expect((await contactWith({ v_long: longest })).customAttributes.v_long).toBe(longest);
    const tooLong = await ws.req('POST', '/v1/contacts', { email: 'too-long@example.com', customAttributes: { v_long: `${longest}x` } });
    expect(tooLong.body.errors[0]).toMatchObject({ pointer: '/customAttributes/v_long', code: 'too_long' });
  });

  it('enforces required attributes on create and refuses to clear them', async () => {
    const ws2 = await t.workspace();
    await define({ key: 'vat', label: 'VAT id', type: 'text', required: true }, ws2);
    const missing = await ws2.req('POST', '/v1/contacts', { email: 'req@example.com' });
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/customAttributes/vat', code: 'required' })]);
    const ok = await ws2.req('POST', '/v1/contacts', { email: 'req@example.com', customAttributes: { vat: 'ESB123' } });
    expect(ok.status).toBe(201);
    const clear = await ws2.req('PATCH', `/v1/contacts/${ok.body.id}`, { customAttributes: { vat: null } });
    expect(clear.body.errors[0]).toMatchObject({ pointer: '/customAttributes/vat', code: 'required' });
  });
});

describe('changing a definition with stored values', () => {
  it('renames a label freely', async () => {
    const a = await define({ key: 'c_label', label: 'Old', type: 'text' });
    await contactWith({ c_label: 'x' });
    const res = await ws.req('PATCH', `/v1/contact-attributes/${a.id}`, { label: 'New', required: false, position: 9 }, { 'if-match': '"1"' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ label: 'New', position: 9, version: 2 });
    expect((await ws.req('PATCH', `/v1/contact-attributes/${a.id}`, { label: 'Again' }, { 'if-match': '"1"' })).status).toBe(412);
  });

  it('refuses to remove an option in use (with the count) unless asked to clear it', async () => {
    const a = await define({ key: 'c_opts', label: 'Markets', type: 'multi_select', options: OPTIONS });
    const c1 = await contactWith({ c_opts: ['es', 'mx'] });
    const c2 = await contactWith({ c_opts: ['mx'] });
    const c3 = await contactWith({ c_opts: ['ar'] });
    const without = { options: OPTIONS.filter((o) => o.value !== 'mx') };
    const refused = await ws.req('PATCH', `/v1/contact-attributes/${a.id}`, without);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'attribute_in_use', count: 2, errors: [{ pointer: '/options' }] });
    expect((await ws.req('GET', `/v1/contact-attributes/${a.id}`)).body.options).toHaveLength(3);
    expect((await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, without)).status).toBe(422);
    const cleared = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=clear`, without);
    expect(cleared.status, cleared.text).toBe(200);
    expect(await valuesOf(c1.id)).toEqual({ c_opts: ['es'] });
    expect(await valuesOf(c2.id)).toEqual({});
    expect(await valuesOf(c3.id)).toEqual({ c_opts: ['ar'] });
    // Relabelling an option and removing an unused one are free.
    const relabel = await ws.req('PATCH', `/v1/contact-attributes/${a.id}`, { options: [{ value: 'es', label: 'España' }, { value: 'ar', label: 'Argentina' }] });
    expect(relabel.status).toBe(200);
    expect(relabel.body.options).toEqual([{ value: 'es', label: 'España' }, { value: 'ar', label: 'Argentina' }]);
    expect(await valuesOf(c1.id)).toEqual({ c_opts: ['es'] });
  });

  it('refuses a type change with values stored, then converts number to text', async () => {
    const a = await define({ key: 'c_num', label: 'Employees', type: 'number' });
    const c1 = await contactWith({ c_num: 12 });
    const c2 = await contactWith({ c_num: 2.5 });
    const refused = await ws.req('PATCH', `/v1/contact-attributes/${a.id}`, { type: 'text' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'attribute_in_use', count: 2, errors: [{ pointer: '/type' }] });
    const converted = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'text' });
    expect(converted.status, converted.text).toBe(200);
    expect(await valuesOf(c1.id)).toEqual({ c_num: '12' });
    expect(await valuesOf(c2.id)).toEqual({ c_num: '2.5' });
    // Text back to number: every value parses, so it converts.
    expect((await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'number' })).status).toBe(200);
    expect(await valuesOf(c2.id)).toEqual({ c_num: 2.5 });
  });

  it('converts single to multi select and select to text (labels); refuses what cannot convert, with the count', async () => {
    const a = await define({ key: 'c_sel', label: 'Country', type: 'single_select', options: OPTIONS });
    const c1 = await contactWith({ c_sel: 'es' });
    const multi = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'multi_select' });
    expect(multi.status, multi.text).toBe(200);
    expect(await valuesOf(c1.id)).toEqual({ c_sel: ['es'] });
    const c2 = await contactWith({ c_sel: ['es', 'mx'] });
    const single = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'single_select' });
    expect(single.status).toBe(409);
    expect(single.body).toMatchObject({ code: 'attribute_not_convertible', count: 1 });
    const text = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'text' });
    expect(text.status, text.text).toBe(200);
    expect(await valuesOf(c2.id)).toEqual({ c_sel: 'Spain, Mexico' });
    const toNumber = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'number' });
    expect(toNumber.body).toMatchObject({ code: 'attribute_not_convertible', count: 2 });
    const toDate = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=convert`, { type: 'date' });
    expect(toDate.body.code).toBe('conversion_not_supported');
    const clear = await ws.req('PATCH', `/v1/contact-attributes/${a.id}?mode=clear`, { type: 'boolean' });
    expect(clear.status).toBe(200);
    expect(await valuesOf(c1.id)).toEqual({});
  });

  it('refuses to delete a definition with values unless asked to clear them', async () => {
    const a = await define({ key: 'c_del', label: 'Del', type: 'boolean' });
    const c = await contactWith({ c_del: true });
    const refused = await ws.req('DELETE', `/v1/contact-attributes/${a.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'attribute_in_use', count: 1 });
    const before = (await ws.req('GET', `/v1/contacts/${c.id}`)).body.version;
    expect((await ws.req('DELETE', `/v1/contact-attributes/${a.id}?mode=clear`)).status).toBe(204);
    const after = await ws.req('GET', `/v1/contacts/${c.id}`);
    expect(after.body.customAttributes).toEqual({});
    expect(after.body.version).toBe(before + 1);
    expect((await ws.req('GET', `/v1/contact-attributes/${a.id}`)).status).toBe(404);
    const outbox = await t.database.raw(`SELECT payload FROM outbox WHERE workspace_id = $1 AND topic = 'contact.attribute_values_rewritten'`, [ws.id]);
    const payloads = outbox.rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
    expect(payloads).toContainEqual(expect.objectContaining({ attributeId: a.id, key: 'c_del', change: 'cleared', contacts: 1 }));
  });
});
