import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { sqlStateOf } from '../lib/pg-errors.ts';

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  // 10,500 contacts written set-based (the search columns come from the trigger, as for imports).
  await t.database.raw(
    `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, source, created_at, updated_at)
     SELECT $1, gen_random_uuid(), 'Nº ' || g, CASE WHEN g % 2 = 0 THEN 'Pérez' ELSE 'Ruiz' END, 'bulk' || g || '@example.com', 'csv', now(), now()
     FROM generate_series(1, 10500) g`,
    [ws.id],
  );
  // Other test files insert into the same table on PostgreSQL; ANALYZE can lose a deadlock to
  // them (GIN pending-list cleanup) and is simply run again.
  for (let attempt = 0; ; attempt++) {
    try {
      await t.database.raw('ANALYZE contacts', []);
      break;
    } catch (err) {
      if (sqlStateOf(err) !== '40P01' || attempt >= 4) throw err;
    }
  }
});
afterAll(() => t.close());

describe('counts', () => {
  it('is exact while cheap and a flagged estimate past 10,000 matches', async () => {
    const small = await ws.req('POST', '/v1/contacts/search', { q: 'Nº 1050', count: true, limit: 1 });
    expect(small.body.count).toEqual({ value: 2, exact: true }); // Nº 1050 and Nº 10500
    const big = await ws.req('GET', '/v1/contacts?count=true&limit=1');
    expect(big.status).toBe(200);
    expect(big.body.count.exact).toBe(false);
    expect(big.body.count.value).toBeGreaterThan(10_000);
    const trigger = await ws.req('POST', '/v1/contacts/search', { filter: { field: 'lastName', op: 'eq', value: 'perez' }, count: true, limit: 500 });
    expect(trigger.body.data).toHaveLength(500);
    expect(trigger.body.count).toEqual({ value: 5250, exact: true });
  });
});
