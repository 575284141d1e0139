/**
 * B2 lists, B6 board and GET contact measured from outside: the real server (`npm start`) as its
 * own process on a loaded PostgreSQL database, driven by autocannon from this process at 1 and 8
 * in flight; beside it, in the same run, the bare handler (`/healthz`) and each request's own SQL
 * (recorded from the very service call the route makes) prepared and timed by pgbench.
 *
 *   npx tsx bench/http-outside.ts --size 100000                 # load a scratch database, measure, drop it
 *   npx tsx bench/http-outside.ts --size 100000 --keep          # … keep it, write bench/results/outside-world.json
 *   npx tsx bench/http-outside.ts --size 1000000 --keep --load-only   # … and measure nothing yet
 *   npx tsx bench/http-outside.ts --reuse bench/results/outside-world.json [--only board]
 *   npx tsx bench/http-outside.ts --backend pglite --size 100000   # embedded: a loaded data dir, the server on it
 *
 * On the embedded database the server holds the data folder alone, so the SQL column there is each
 * case's own service call timed in this process after the server stopped (Drizzle + PGlite, as
 * many runs): no pgbench, and it includes the driver's row parsing, so its ratio flatters HTTP.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installRecorder, pgbenchTimes, recordSql } from './outside/same-sql.ts';
import { drive, type Driven, type Request } from './outside/drive.ts';
import { startServer } from './outside/server.ts';
import { searchQueries, shapes } from './list-search.ts';
import { loadWorld, type World } from './load.ts';
import { client } from './http.ts';
import { timeMany, type Stats } from './measure.ts';

installRecorder();
const { loadConfig } = await import('../src/config.ts');
const { makeDeps } = await import('../src/deps.ts');
const { openDatabase } = await import('../src/lib/db.ts');
const { migrate } = await import('../src/lib/migrate.ts');
const { createScratchDatabase } = await import('../src/lib/scratch-database.ts');
const { inWorkspace } = await import('../src/lib/tenant-scope.ts');
const { APP_ROLE } = await import('../src/lib/tenant-connection.ts');
const { listPage } = await import('../src/contact-lists/contact-query.ts');
const { ContactListQuery } = await import('../src/contacts/contacts.schema.ts');
const { BoardQuery } = await import('../src/playbooks/playbooks.schema.ts');
const { playbookBoard } = await import('../src/playbooks/board.ts');

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    backend: { type: 'string', default: 'postgres' },
    requests: { type: 'string', default: '1000' },
    server: { type: 'string', default: process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    start: { type: 'string', default: 'npm start' },
    keep: { type: 'boolean', default: false },
    // With --keep: load and keep the database, measure nothing (a 1M load runs while code changes).
    'load-only': { type: 'boolean', default: false },
    reuse: { type: 'string' },
    only: { type: 'string' },
  },
});
const n = Number(opts.requests);
const log = (s: string) => console.log(s);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

type Deps = Awaited<ReturnType<typeof makeDeps>>;
type Case = { id: string; name: string; req: Request; target: 'list' | 'board' | 'get' | 'bare' | 'search'; sql?: (deps: Deps) => Promise<unknown> };
/** `eight.cpuMs`: the server's CPU per request at 8 in flight (its process group; on PGlite the database's work too). */
type Result = { c: Case; one: Driven; eight: Driven; sql?: Stats };
type Prepared = { url: string; dataDir?: string; world: World; sampleId?: string; drop?: () => Promise<void> };
const embedded = opts.backend === 'pglite';

/** `--keep`: the loaded world stays, and its file lets a later run `--reuse` it. */
function keep(prepared: Prepared, what: string): Prepared {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/outside-world.json', JSON.stringify(prepared));
  log(`kept ${what}; reuse with --reuse bench/results/outside-world.json`);
  return prepared;
}

async function loadEmbedded(): Promise<Prepared> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-outside-'));
  const database = await openDatabase({ dataDir });
  await migrate(database);
  const deps = await makeDeps({ ...loadConfig({}), databaseUrl: undefined, dataDir, logLevel: 'silent', workers: false }, database);
  const world = await loadWorld(deps, Number(opts.size), log);
  const { rows: [sample] } = await database.raw(`SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY id LIMIT 1 OFFSET 777`, [world.workspaceId]);
  await database.close();
  const sampleId = String(sample!.id);
  const prepared = { url: '', dataDir, world, sampleId };
  if (opts.keep) return keep(prepared, `${dataDir} (remove the folder when done)`);
  return { ...prepared, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function prepareWorld(): Promise<Prepared> {
  if (opts.reuse) return JSON.parse(readFileSync(opts.reuse, 'utf8')) as Prepared;
  if (embedded) return loadEmbedded();
  const { url, drop } = await createScratchDatabase(opts.server!, 'vixiees_outside');
  const database = await openDatabase({ databaseUrl: url });
  await migrate(database);
  const deps = await makeDeps({ ...loadConfig({}), databaseUrl: url, logLevel: 'silent', workers: false }, database);
  const world = await loadWorld(deps, Number(opts.size), log);
  await database.close();
  if (opts.keep) return keep({ url, world }, `${url} (drop it with DROP DATABASE when done)`);
  return { url, world, drop };
}

const verdict = (r: Result, bare8: number): string => {
  const lat = r.one.p95 <= 15 && r.one.p99 <= 30;
  if (r.c.target === 'bare') return 'reference';
  if (r.c.target === 'board') return `p95 ≤ 15: ${r.one.p95 <= 15 ? 'yes' : '**no**'}`;
  if (r.c.target === 'search') return `p95 ≤ 30: ${r.one.p95 <= 30 ? 'yes' : '**no**'}`;
  const ratio = r.sql ? r.one.p95 / r.sql.p95 <= 1.5 : false;
  const thr = r.eight.perSecond / bare8 >= 0.2;
  return `latency ${lat ? 'yes' : '**no**'} · ratio ${ratio ? 'yes' : '**no**'} · throughput ${thr ? 'yes' : '**no**'}`;
};
const TARGET = { bare: '', list: 'p95 ≤ 15, p99 ≤ 30; ≤ 1.5× SQL p95; 8 in flight ≥ 0.2× bare', get: 'as B2', board: 'p95 ≤ 15', search: 'p95 ≤ 30' };

async function main() {
  log(`Vixiees outside bench: ${cpus().length} cores, node ${process.version}, load ${load()}`);
  const { url, dataDir, world, drop, ...prepared } = await prepareWorld();
  if (opts['load-only']) return;
  const open = async () => {
    const database = await openDatabase(dataDir ? { dataDir } : { databaseUrl: url });
    const deps = await makeDeps({ ...loadConfig({}), databaseUrl: dataDir ? undefined : url, ...(dataDir ? { dataDir } : {}), logLevel: 'silent', workers: false }, database);
    return { database, deps };
  };
  // The embedded database is the server's alone while it runs: opened here only after it stops.
  const here = embedded ? undefined : await open();
  const actor = world.actor;
  const sampleId = prepared.sampleId ?? String((await here!.database.raw(`SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY id LIMIT 1 OFFSET 777`, [world.workspaceId])).rows[0]!.id);
  const server = await startServer(opts.start!, { ...(dataDir ? { VIXIEES_DATA_DIR: dataDir } : { DATABASE_URL: url }), RATE_LIMIT_PER_MINUTE: '100000000' });
  const results: Result[] = [];
  try {
    log(`server up in ${server.startSeconds.toFixed(2)} s (${opts.start})`);
    const api = client(server.base, world.apiKey);
    const cases: Case[] = [{ id: 'HTTP', name: 'bare handler (GET /healthz)', req: { method: 'GET', path: '/healthz' }, target: 'bare' }];
    const inWs = (fn: (deps: Deps) => Promise<unknown>) => (deps: Deps) => inWorkspace(world.workspaceId, () => fn(deps));
    for (const shape of shapes(world)) {
      if (shape.needs === 'attention' && !world.attention) continue;
      const first = { ...shape.body, limit: 50 };
      let cursor: string | null = null;
      for (let seen = 0; seen < 10_000; seen += 500) {
        const page: { nextCursor: string | null } = await api('POST', '/v1/contacts/search', { ...shape.body, limit: 500, ...(cursor ? { cursor } : {}) });
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      for (const [label, body] of [['first page', first], [cursor ? 'deep page (10k)' : 'deep page (< 10k rows)', { ...first, ...(cursor ? { cursor } : {}) }]] as const) {
        cases.push({ id: 'B2', name: `${shape.name} · ${label}`, req: { method: 'POST', path: '/v1/contacts/search', body }, target: 'list', sql: inWs((deps) => listPage(deps.db, deps.cursors, actor, body, { prefix: '', status: 422 }, new Date())) });
      }
    }
    // B3: the search box, queries made from a contact found through the API (both backends).
    const sample = ((await api('GET', '/v1/contacts?limit=500')) as { data: { firstName: string; lastName: string; email: string | null; phone: string | null; company: string | null }[] }).data
      .find((x) => x.email && x.phone?.startsWith('+346') && x.company?.includes(' ') && x.lastName.includes(' '));
    if (sample) {
      for (const [label, q] of searchQueries({ first_name: sample.firstName, last_name: sample.lastName, email: sample.email!, phone: sample.phone!, company: sample.company! })) {
        const body = { q, limit: 50 };
        cases.push({ id: 'B3', name: `search ${label}: "${q}"`, req: { method: 'POST', path: '/v1/contacts/search', body }, target: 'search', sql: inWs((deps) => listPage(deps.db, deps.cursors, actor, body, { prefix: '', status: 422 }, new Date())) });
      }
    }
    cases.push({ id: 'B2', name: 'GET /v1/contacts?limit=50', req: { method: 'GET', path: '/v1/contacts?limit=50' }, target: 'list', sql: inWs((deps) => deps.services.contactLists.listContacts(actor, ContactListQuery.parse({ limit: '50' }))) });
    cases.push({ id: 'B6', name: 'playbook board', req: { method: 'GET', path: `/v1/playbooks/${world.playbookId}/board` }, target: 'board', sql: inWs((deps) => playbookBoard(deps, actor, world.playbookId, BoardQuery.parse({}))) });
    cases.push({ id: 'get', name: 'GET /v1/contacts/{id}', req: { method: 'GET', path: `/v1/contacts/${sampleId}` }, target: 'get', sql: inWs((deps) => deps.services.contacts.get(actor, sampleId)) });

    const only = opts.only ? new RegExp(opts.only, 'i') : undefined;
    for (const c of cases) {
      if (only && c.target !== 'bare' && !only.test(c.name)) continue;
      const one = await drive(server.base, world.apiKey, c.req, 1, n);
      const eight = await drive(server.base, world.apiKey, c.req, 8, n, server.cpuSeconds);
      const sql = c.sql && here ? pgbenchTimes(url, await recordSql(() => c.sql!(here.deps)), n, { role: APP_ROLE, workspaceId: world.workspaceId }) : undefined;
      results.push({ c, one, eight, sql });
      log(`  ${c.id} ${c.name}: p50 / p95 / p99 ${one.p50.toFixed(2)} / ${one.p95.toFixed(2)} / ${one.p99.toFixed(2)} ms, 8 in flight ${eight.perSecond.toFixed(0)}/s (p95 ${eight.p95.toFixed(2)} ms, server CPU ${eight.cpuMs!.toFixed(3)} ms a request)${sql ? `, SQL p50 / p95 ${sql.p50.toFixed(2)} / ${sql.p95.toFixed(2)} ms` : ''}${one.errors + eight.errors ? `, ${one.errors + eight.errors} errors` : ''}`);
    }
  } finally {
    await server.stop();
    await here?.database.close();
  }
  if (embedded) {
    const { database, deps } = await open();
    for (const r of results) if (r.c.sql) r.sql = await timeMany(n, Math.floor(n / 10), () => r.c.sql!(deps));
    await database.close();
  }
  await drop?.();
  const bare8 = results[0]!.eight.perSecond;
  const f = (x: number | undefined) => (x === undefined ? '' : x.toFixed(2));
  const lines = [
    `| # | case | 1 in flight p50 / p95 / p99 ms | 8 in flight req/s (× bare) | 8 in flight p95 ms | server CPU ms a request | ${embedded ? 'SQL (service call in process, PGlite)' : 'SQL (pgbench, prepared)'} p50 / p95 ms | ratio p95 / SQL p95 | target | verdict |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.c.id} | ${r.c.name} | ${f(r.one.p50)} / ${f(r.one.p95)} / ${f(r.one.p99)} | ${r.eight.perSecond.toFixed(0)} (${(r.eight.perSecond / bare8).toFixed(3)}) | ${f(r.eight.p95)} | ${r.eight.cpuMs!.toFixed(3)} | ${r.sql ? `${f(r.sql.p50)} / ${f(r.sql.p95)}` : ''} | ${r.sql ? f(r.one.p95 / r.sql.p95) : ''} | ${TARGET[r.c.target]} | ${verdict(r, bare8)}${r.one.errors + r.eight.errors ? ` (${r.one.errors + r.eight.errors} errors)` : ''} |`),
  ];
  const out = lines.join('\n');
  console.log(`\n${out}\n\n${n} requests per case and concurrency (after a warm-up), load average at the end ${load()}`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-outside.json`;
  writeFileSync(file, JSON.stringify({ command: `npx tsx bench/http-outside.ts ${process.argv.slice(2).join(' ')}`, cores: cpus().length, node: process.version, loadavg: loadavg(), date: new Date().toISOString(), results, table: out }, null, 2));
  console.log(`written ${file}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
}
