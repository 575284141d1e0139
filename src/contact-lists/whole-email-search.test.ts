import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { sqlStateOf } from '../lib/pg-errors.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { searchBoxCondition } from './search-box.ts';

/**
 * A whole email that is a contact's identifier is answered by the identifier alone: the search
 * box's own statement (`vx_search_contact_ids`, a trigram read of the workspace) is never asked.
 * To prove it, the app's role loses the right to run that function, so any search that asks it
 * fails. This changes a grant, so the file has a database of its own.
 */
const SEARCH_FUNCTION = 'vx_search_contact_ids(text[], text[], text, integer)';

let t: TestApp;
let ws: TestWorkspace;
let luz: string;
let mariluz: string;

beforeAll(async () => {
  t = await startTestApp({ ownDatabase: true });
  ws = await t.workspace();
  const a = await ws.req('POST', '/v1/contacts', { firstName: 'Luz', email: 'luz@flores.example.com' });
  const b = await ws.req('POST', '/v1/contacts', { firstName: 'Mariluz', email: 'mariluz@flores.example.com' });
  expect([a.status, b.status]).toEqual([201, 201]);
  [luz, mariluz] = [a.body.id, b.body.id];
});
afterAll(() => t.close());

describe('a whole-email search', () => {
  it('finds its contact by identifier without the search function, which other searches need', async () => {
    // With the function: the fragment finds both, the whole email its holder alone.
    const ids = async (q: string) => (await ws.req('POST', '/v1/contacts/search', { q, count: true })).body as { data: { id: string }[]; count: { value: number } };
    expect((await ids('flores')).data.map((c) => c.id).sort()).toEqual([luz, mariluz].sort());

    await t.database.raw(`REVOKE EXECUTE ON FUNCTION ${SEARCH_FUNCTION} FROM vixiees_app`, []);
    try {
      // The revoke bites: a search that asks the function cannot run.
      const refused = await inWorkspace(ws.id, () => searchBoxCondition(t.deps.db, 'flores')).then(() => undefined, (err: unknown) => err);
      expect(sqlStateOf(refused)).toBe('42501'); // insufficient_privilege
      const found = await ids('LUZ@flores.example.com');
      expect(found.data.map((c) => c.id)).toEqual([luz]);
      expect(found.count.value).toBe(1);
    } finally {
      await t.database.raw(`GRANT EXECUTE ON FUNCTION ${SEARCH_FUNCTION} TO vixiees_app`, []);
    }
  });
});
