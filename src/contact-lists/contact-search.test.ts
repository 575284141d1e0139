import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
const ids: Record<string, string> = {};

const people = {
  jose: { firstName: 'José', lastName: 'García López', email: 'jgarcia@Ejemplo.es', phone: '612 34 56 78', company: 'Cañas y Barro SL' },
  maria: { firstName: 'María José', lastName: 'Pérez García', email: 'mariajo@correo.mx', phone: '+52 55 1234 5678', company: 'Telefónica' },
  joao: { firstName: 'João', lastName: 'Conceição', email: 'joao@empresa.com.br', phone: '+55 11 91234 5678', company: null },
  lopez: { firstName: 'Ana', lastName: 'López Ruiz', email: 'ana.lopez@garcia-asociados.es', phone: '+54 9 11 2345 6789', company: 'García y Asociados' },
  noise: { firstName: 'Pedro', lastName: 'Sánchez', email: 'pedro612345678@correo.es', phone: '+57 300 1234567', company: 'Acme' },
};

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  for (const [key, body] of Object.entries(people)) {
    const res = await ws.req('POST', '/v1/contacts', body);
    expect(res.status, res.text).toBe(201);
    ids[key] = res.body.id;
    await other.req('POST', '/v1/contacts', body);
  }
});
afterAll(() => t.close());

const search = async (q: string, w = ws) => {
  const res = await w.req('GET', `/v1/contacts?q=${encodeURIComponent(q)}`);
  expect(res.status, res.text).toBe(200);
  return res.body.data.map((c: { id: string }) => c.id) as string[];
};
const names = (found: string[]) => found.map((id) => Object.keys(ids).find((k) => ids[k] === id));

describe('the search box', () => {
  it.each([
    ['jose garcia', ['jose', 'maria']],
    ['JOSÉ GARCÍA', ['jose', 'maria']],
    ['garcia lopez', ['jose', 'lopez']],
    ['lópez', ['jose', 'lopez']],
    ['conceicao', ['joao']],
    ['joão', ['joao']],
    ['perez garc', ['maria']],
    ['@correo', ['maria', 'noise']],
    ['jgarcia@ej', ['jose']],
    ['612 34 56', ['jose', 'noise']],
    ['+34612345678', ['jose']],
    ['0034 612 345 678', ['jose']],
    ['(612) 34-56-78', ['jose']],
    ['55 1234 5678', ['maria']],
    ['+55 11 91234', ['joao']],
    ['canas y barro', ['jose']],
    ['telefonica', ['maria']],
    ['zzzz nobody', []],
  ])('"%s" finds %j', async (q, expected) => {
    expect(names(await search(q)).sort()).toEqual([...expected].sort());
  });

  it('ranks an exact identifier first, then names that start with the words, then the rest', async () => {
    expect(names(await search('ana.lopez@garcia-asociados.es'))).toEqual(['lopez']);
    // "garcia" is in three names and one email domain; none is an identifier.
    const byName = names(await search('garcia'));
    expect(byName.sort()).toEqual(['jose', 'lopez', 'maria'].sort());
    // The phone typed nationally is the exact identifier of José; Pedro's (newer) email merely contains its digits.
    expect(names(await search('612 34 56 78'))).toEqual(['jose', 'noise']);
    expect(names(await search('pedro612345678@correo.es'))).toEqual(['noise']);
    // Without an exact identifier: newest first.
    const ranked = await ws.req('POST', '/v1/contacts/search', { q: 'jose' });
    expect(names(ranked.body.data.map((c: { id: string }) => c.id))).toEqual(['maria', 'jose']);
    // An exact match alone on the first page still leads to the rest.
    const one = await ws.req('POST', '/v1/contacts/search', { q: '612 34 56 78', limit: 1 });
    expect(names(one.body.data.map((c: { id: string }) => c.id))).toEqual(['jose']);
    const rest = await ws.req('POST', '/v1/contacts/search', { q: '612 34 56 78', limit: 1, cursor: one.body.nextCursor });
    expect(rest.status, rest.text).toBe(200);
    expect(names(rest.body.data.map((c: { id: string }) => c.id))).toEqual(['noise']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('pages through ranked results without repeats', async () => {
    const first = await ws.req('POST', '/v1/contacts/search', { q: 'a', limit: 2 });
    const seen = first.body.data.map((c: { id: string }) => c.id);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await ws.req('POST', '/v1/contacts/search', { q: 'a', limit: 2, cursor });
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.data.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(5);
  });

  it('combines with filters and sorts, and keeps the search column in step on update and merge', async () => {
    const res = await ws.req('POST', '/v1/contacts/search', { q: 'garcia', sort: 'lastName', filter: { field: 'company', op: 'isEmpty', value: false } });
    expect(names(res.body.data.map((c: { id: string }) => c.id))).toEqual(['jose', 'lopez', 'maria']);
    await ws.req('PATCH', `/v1/contacts/${ids.joao}`, { lastName: 'Gonçalves Araújo' });
    expect(names(await search('goncalves araujo'))).toEqual(['joao']);
    expect(await search('conceicao')).toEqual([]);
    await ws.req('POST', `/v1/contacts/${ids.joao}/merge`, { otherContactId: ids.noise });
    expect(names(await search('+57 300 1234567'))).toEqual(['joao']);
  });

  it("never shows another workspace's contacts", async () => {
    const mine = new Set(Object.values(ids));
    const theirs = await search('garcia', other);
    // The other workspace has the same three García contacts: its own, never these.
    expect(theirs).toHaveLength(3);
    expect(theirs.filter((id) => mine.has(id))).toEqual([]);
  });

  it('a whole email that is an identifier finds that contact alone; any other email is searched as a fragment', async () => {
    const luz = await ws.req('POST', '/v1/contacts', { firstName: 'Luz', email: 'luz@flores.example.com' });
    const mariluz = await ws.req('POST', '/v1/contacts', { firstName: 'Mariluz', email: 'Mariluz@Flores.example.com' });
    expect([luz.status, mariluz.status]).toEqual([201, 201]);
    // "mariluz@flores…" contains "luz@flores…": an identifier lookup does not list it.
    expect(await search('luz@flores.example.com')).toEqual([luz.body.id]);
    expect(await search('LUZ@FLORES.EXAMPLE.COM')).toEqual([luz.body.id]);
    const counted = await ws.req('POST', '/v1/contacts/search', { q: 'luz@flores.example.com', count: true });
    expect(counted.body).toMatchObject({ count: { value: 1, exact: true }, nextCursor: null });
    // A valid address that is nobody's identifier (still being typed): substring search as before.
    expect((await search('uz@flores.example.com')).sort()).toEqual([luz.body.id, mariluz.body.id].sort());
    expect((await search('uz@flores.example.c')).sort()).toEqual([luz.body.id, mariluz.body.id].sort());
  });
});
