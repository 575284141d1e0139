/**
 * Query plans of custom-attribute filters at scale, on a throwaway database:
 *   npx tsx bench/attribute-filter-plan.ts [contacts=200000]                  # embedded (PGlite, in memory)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/attribute-filter-plan.ts
 * With DATABASE_URL a fresh database is created on that server and dropped afterwards.
 * Rows are generated set-based (INSERT … SELECT generate_series), plus a second workspace of noise.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { attributeCondition, attributeSortExpression, type AttributeFilter } from '../src/attributes/attribute-filter.ts';
import type { AttributeDefinition } from '../src/attributes/attribute-values.ts';
import { ensureAttributeIndex } from '../src/attributes/attributes.repo.ts';
import { contacts } from '../src/contacts/contacts.tables.ts';
import { openDatabase, type Database } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';

const N = Number(process.argv[2] ?? 200_000);
const WS = '01900000-0000-7000-8000-000000000001';
const NOISE = '01900000-0000-7000-8000-000000000002';
const opts = (...v: string[]) => v.map((value) => ({ value, label: value }));
const DEFS: Record<string, AttributeDefinition> = {
  score: { key: 'score', label: 'Score', type: 'number', options: [], required: false },
  renewal: { key: 'renewal', label: 'Renewal', type: 'date', options: [], required: false },
  plan: { key: 'plan', label: 'Plan', type: 'single_select', options: opts('basic', 'pro', 'enterprise'), required: false },
  markets: { key: 'markets', label: 'Markets', type: 'multi_select', options: opts('es', 'mx', 'ar', 'co', 'br'), required: false },
  vip: { key: 'vip', label: 'VIP', type: 'boolean', options: [], required: false },
};

async function open(): Promise<{ database: Database; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) return { database: await openDatabase({ inMemory: true }), drop: async () => undefined };
  const scratch = await createScratchDatabase(server, 'vixiees_plan');
  const database = await openDatabase({ databaseUrl: scratch.url });
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

const { database, drop } = await open();
try {
  await migrate(database);
  const t0 = Date.now();
  await database.raw(`INSERT INTO workspaces (id, name, created_at, updated_at) VALUES ('${WS}', 'Plan', now(), now()), ('${NOISE}', 'Noise', now(), now())`);
  const insert = (ws: string, n: number, salt: string) => `
    INSERT INTO contacts (workspace_id, id, source, created_at, updated_at, custom_attributes)
    SELECT '${ws}', md5('${salt}' || g)::uuid, 'api', now(), now(),
      jsonb_strip_nulls(jsonb_build_object(
        'score', CASE WHEN g % 10 = 0 THEN NULL ELSE g % 1000 END,
        'renewal', to_char(date '2026-01-01' + (g % 730), 'YYYY-MM-DD'),
        'plan', CASE WHEN g % 100 = 0 THEN 'enterprise' WHEN g % 3 = 0 THEN 'pro' ELSE 'basic' END,
        'markets', CASE g % 7 WHEN 0 THEN '["es","mx"]'::jsonb WHEN 1 THEN '["mx"]'::jsonb WHEN 2 THEN '["ar","co"]'::jsonb WHEN 3 THEN CASE WHEN g % 1000 = 3 THEN '["br"]'::jsonb ELSE NULL END ELSE NULL END,
        'vip', CASE WHEN g % 500 = 0 THEN true ELSE NULL END))
    FROM generate_series(1, ${n}) g`;
  await database.raw(insert(WS, N, 'a'));
  await database.raw(insert(NOISE, Math.round(N / 4), 'b'));
  for (const key of ['score', 'renewal', 'plan', 'vip']) await ensureAttributeIndex(database.systemDb, key);
  await database.raw('ANALYZE contacts');
  console.log(`${database.kind}: ${N} contacts in the workspace + ${Math.round(N / 4)} in another, generated and indexed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

  const cases: [string, AttributeFilter, string?][] = [
    ['single select eq (rare value)', { key: 'plan', op: 'eq', value: 'enterprise' }],
    ['multi select contains_all', { key: 'markets', op: 'contains_all', value: ['es', 'mx'] }],
    ['multi select contains_any', { key: 'markets', op: 'contains_any', value: ['ar', 'co'] }],
    ['multi select contains_any (rare)', { key: 'markets', op: 'contains_any', value: ['br'] }],
    ['boolean eq (rare)', { key: 'vip', op: 'eq', value: true }],
    ['number between, sorted by it', { key: 'score', op: 'between', value: [100, 102] }, 'score'],
    ['date range, sorted by it', { key: 'renewal', op: 'between', value: ['2026-03-01', '2026-03-03'] }, 'renewal'],
    ['number is_empty', { key: 'score', op: 'is_empty' }],
  ];
  for (const [title, filter, sortKey] of cases) {
    const where = and(eq(contacts.workspaceId, WS), isNull(contacts.deletedAt), attributeCondition(DEFS[filter.key]!, filter));
    const order = sortKey ? [sql`${attributeSortExpression(DEFS[sortKey]!)} ASC NULLS LAST`, asc(contacts.id)] : [asc(contacts.id)];
    const query = database.db.select({ id: contacts.id }).from(contacts).where(where).orderBy(...order).limit(50).toSQL();
    const countQuery = database.db.select({ n: sql<number>`count(*)` }).from(contacts).where(where).toSQL();
    const plan = await database.raw(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${query.sql}`, query.params);
    const counted = await database.raw(countQuery.sql, countQuery.params);
    console.log(`### ${title}: ${JSON.stringify(filter)} — ${Object.values(counted.rows[0] ?? {})[0]} matches\n${query.sql.replace(/"/g, '')}\n`);
    console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'), '\n');
    if (filter.key === 'markets') {
      const countPlan = await database.raw(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${countQuery.sql}`, countQuery.params);
      console.log(`  count:\n${countPlan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}\n`);
    }
  }
} finally {
  await drop();
  await database.close().catch(() => undefined);
}
