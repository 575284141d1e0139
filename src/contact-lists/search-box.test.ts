import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from '../lib/db.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { searchBoxCondition } from './search-box.ts';

/**
 * The search box finds its matches through `vx_search_contact_ids` (migration 1350), which runs
 * as its owner so the trigram index serves it under row-level security. These prove that it
 * answers exactly what the plain LIKE conditions answer, and only ever in the caller's workspace.
 */
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
const people = [
  { firstName: 'Luis', lastName: 'López Fernández', email: 'luis.lopez@ejemplo.es', phone: '612 34 56 78', company: 'Ferretería del Sur' },
  { firstName: 'Luisa', lastName: 'Lopez', email: 'luisa@correo.mx', phone: '+52 55 1234 5678' },
  { firstName: 'Ana', lastName: 'Ruiz', email: 'ana_ruiz%50@ejemplo.es', phone: '+34 699 11 22 33', company: 'Luis y Asociados' },
  { firstName: 'Pedro', lastName: 'Sánchez', email: 'pedro612345678@correo.es' },
];
const queries = ['luis', 'LÓPEZ', 'luis lopez', 'luis.lope', 'luis.lopez@ejemplo.es', 'ana_ruiz%', '612 34 56', '+34612345678', '0034 699 11', 'asociados', 'nadie aqui'];

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  for (const body of people) {
    for (const w of [ws, other]) expect((await w.req('POST', '/v1/contacts', body)).status).toBe(201);
  }
  // Deleted contacts are never found.
  const gone = await ws.req('POST', '/v1/contacts', { firstName: 'Luis', lastName: 'Borrado', email: 'luis.borrado@ejemplo.es' });
  expect((await ws.req('DELETE', `/v1/contacts/${gone.body.id}`)).status).toBe(204);
});
afterAll(() => t.close());

/** The workspace's live contacts matching `q`, through the id lookup (cap) or the LIKE alone (cap 0). */
const matching = (w: TestWorkspace, q: string, cap?: number) =>
  inWorkspace(w.id, async () => {
    const condition = await searchBoxCondition(t.database.db, q, cap);
    const rows = await queryRows<{ email: string | null; last_name: string | null }>(
      t.database.db,
      sql`SELECT email, last_name FROM contacts WHERE workspace_id = ${w.id} AND deleted_at IS NULL AND ${condition} ORDER BY email`,
    );
    return rows.map((r) => `${r.email}/${r.last_name}`);
  });

describe('the search box under row-level security', () => {
  it.each(queries)('"%s": the id lookup finds what the LIKE conditions find', async (q) => {
    const byIds = await matching(ws, q);
    const byLike = await matching(ws, q, 0);
    expect(byIds).toEqual(byLike);
    if (q === 'luis') expect(byIds).toHaveLength(3);
    if (q === 'nadie aqui') expect(byIds).toEqual([]);
  });

  it('finds only the calling workspace’s contacts, and none outside a workspace', async () => {
    /** The ids the function answers for "luis" in the current scope. */
    const luisIds = async () => {
      const [row] = await queryRows<{ ids: string | null }>(
        t.database.db,
        sql`SELECT array_to_string(vx_search_contact_ids(ARRAY['%luis%']::text[], ARRAY[]::text[], NULL::text, 100), ',') AS ids`,
      );
      return (row?.ids ?? '').split(',').filter(Boolean).sort();
    };
    const mine = await inWorkspace(ws.id, luisIds);
    const theirs = await inWorkspace(other.id, luisIds);
    expect(mine).toHaveLength(3);
    expect(theirs).toHaveLength(3);
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    const { rows } = await t.database.raw(`SELECT workspace_id FROM contacts WHERE id = ANY($1::uuid[])`, [`{${mine.join(',')}}`]);
    expect(rows.map((r) => r.workspace_id)).toEqual([ws.id, ws.id, ws.id]);
    expect(await luisIds()).toEqual([]);
  });

  it('falls back to the LIKE conditions past the cap, with the same page from the API', async () => {
    const page = async (cap?: number) =>
      inWorkspace(ws.id, async () => {
        const condition = await searchBoxCondition(t.database.db, 'luis', cap);
        return new PgDialect().sqlToQuery(condition).sql;
      });
    // Three matches over a cap of 1: the condition holds no id list.
    expect(await page(1)).not.toContain('uuid[]');
    expect(await page()).toContain('uuid[]');
    const res = await ws.req('GET', `/v1/contacts?q=${encodeURIComponent('luis lopez fer')}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { email: string }) => c.email)).toEqual(['luis.lopez@ejemplo.es']);
  });
});
