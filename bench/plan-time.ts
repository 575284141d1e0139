/**
 * What preparing saves on the hot reads (issue 12): each request's own SQL (recorded from the
 * service call the route makes) run by pgbench `-M extended` (parsed and planned at every
 * execution, as node-postgres sent unnamed statements before) beside `-M prepared` (planned once),
 * and, through the app's own tenant pool on one pinned connection, which plan PostgreSQL's plan
 * cache settles on for the named statements after 20 runs (generic or custom: a custom plan is
 * still planned at every execution, only parsing and rewriting are saved).
 *
 *   npx tsx bench/plan-time.ts --reuse bench/results/outside-world.json [--n 1000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { installRecorder, pgbenchTimes, recordSql } from './outside/same-sql.ts';
import type { World } from './load.ts';

installRecorder();
const { loadConfig } = await import('../src/config.ts');
const { makeDeps } = await import('../src/deps.ts');
const { openDatabase, queryRows } = await import('../src/lib/db.ts');
const { inTransaction, inWorkspace } = await import('../src/lib/tenant-scope.ts');
const { APP_ROLE } = await import('../src/lib/tenant-connection.ts');
const { listPage } = await import('../src/contact-lists/contact-query.ts');
const { ContactListQuery } = await import('../src/contacts/contacts.schema.ts');
const { BoardQuery } = await import('../src/playbooks/playbooks.schema.ts');
const { playbookBoard } = await import('../src/playbooks/board.ts');

const { values: opts } = parseArgs({ options: { reuse: { type: 'string' }, n: { type: 'string', default: '1000' } } });
const { url, world } = JSON.parse(readFileSync(opts.reuse!, 'utf8')) as { url: string; world: World };
const n = Number(opts.n);
const database = await openDatabase({ databaseUrl: url });
const deps = await makeDeps({ ...loadConfig({}), databaseUrl: url, logLevel: 'silent', workers: false }, database);
const actor = world.actor;
const now = new Date();
const cases: [string, () => Promise<unknown>][] = [
  ['B2 pending attention · first page', () => listPage(deps.db, deps.cursors, actor, { filter: { field: 'pendingAttention', op: 'eq', value: true }, sort: '-timeWaiting', limit: 50 }, { prefix: '', status: 422 }, now)],
  ['B2 stage · first page', () => listPage(deps.db, deps.cursors, actor, { filter: { field: 'stageId', op: 'eq', value: world.stageIds[1] }, limit: 50 }, { prefix: '', status: 422 }, now)],
  ['B2 GET /v1/contacts?limit=50', () => deps.services.contactLists.listContacts(actor, ContactListQuery.parse({ limit: '50' }))],
  ['B6 playbook board', () => playbookBoard(deps, actor, world.playbookId, BoardQuery.parse({}))],
];
console.log('| case | SQL p50 / p95 ms, parsed and planned each time (`-M extended`) | prepared (`-M prepared`) | saved at p50 | app connection after 20 runs: statements generic / custom |');
console.log('|---|---|---|---|---|');
for (const [name, run] of cases) {
  const statements = await recordSql(() => inWorkspace(world.workspaceId, run));
  const extended = pgbenchTimes(url, statements, n, { role: APP_ROLE, workspaceId: world.workspaceId }, 'extended');
  const prepared = pgbenchTimes(url, statements, n, { role: APP_ROLE, workspaceId: world.workspaceId }, 'prepared');
  const plans = await inWorkspace(world.workspaceId, () =>
    deps.database.db.transaction(async (tx) => {
      for (let i = 0; i < 20; i++) await inTransaction(tx, run);
      return queryRows<{ generic: number; custom: number }>(tx, sql`SELECT sum(generic_plans)::int AS generic, sum(custom_plans)::int AS custom FROM pg_prepared_statements`);
    }),
  );
  const f = (x: number) => x.toFixed(2);
  console.log(`| ${name} | ${f(extended.p50)} / ${f(extended.p95)} | ${f(prepared.p50)} / ${f(prepared.p95)} | ${f(extended.p50 - prepared.p50)} | ${plans[0]?.generic ?? 0} / ${plans[0]?.custom ?? 0} |`);
}
await database.close();
process.exit(0);
