import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { makeDeps } from '../src/deps.ts';
import { openDatabase, type Database } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';
import { client } from './http.ts';
import { benchList, benchSearch } from './list-search.ts';
import { loadWorld } from './load.ts';
import { table, timeMany, type Row } from './measure.ts';
import { timeStartup } from './startup.ts';
import { benchBoards, benchCreate } from './writes-boards.ts';

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    backend: { type: 'string', default: 'pglite' },
    iterations: { type: 'string', default: '200' },
    creates: { type: 'string', default: '2000' },
    server: { type: 'string', default: process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const size = Number(opts.size);
const backend = opts.backend as 'pglite' | 'postgres';
const n = Number(opts.iterations);
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const log = (s: string) => console.log(s);
if (!['pglite', 'postgres'].includes(backend) || !(size > 0)) throw new Error('usage: npm run bench -- --size 100000|1000000 --backend pglite|postgres');

/** A fresh throwaway database (PostgreSQL) or data dir (PGlite), never the main ones. */
async function scratch(): Promise<{ url?: string; dataDir?: string; database: Database; drop(): Promise<void> }> {
  if (backend === 'postgres') {
    const { url, drop } = await createScratchDatabase(opts.server!, 'vixiees_bench');
    return { url, database: await openDatabase({ databaseUrl: url }), drop };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-bench-'));
  const database = await openDatabase({ dataDir });
  return { dataDir, database, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

async function main() {
  log(`Vixiees bench: ${backend}, ${size} contacts, ${cpus().length} cores, node ${process.version}`);
  const rows: Row[] = [];
  const emptyStart = await scratch();
  await emptyStart.database.close();
  // B7 empty: the very first start creates (PGlite) or migrates (PostgreSQL) the database.
  const empty = await timeStartup(backend === 'postgres' ? { DATABASE_URL: emptyStart.url! } : { VIXIEES_DATA_DIR: emptyStart.dataDir! });
  await emptyStart.drop();
  log(`  B7 empty start: ${empty.toFixed(2)} s`);

  const s = await scratch();
  try {
    await migrate(s.database);
    const config = { ...loadConfig({}), databaseUrl: s.url, dataDir: s.dataDir ?? './data', logLevel: 'silent' as const, workers: false, rateLimitPerMinute: 0 };
    const deps = await makeDeps(config, s.database);
    const world = await loadWorld(deps, size, log);
    rows.push({ id: 'load', case: `generate + load ${size} + ${world.otherWorkspaces} × ${Math.floor(size / 50)} contacts`, value: `${world.rowsPerSecond.toFixed(0)} rows/s`, target: '', note: `${world.loadSeconds.toFixed(1)} s + index build ${world.indexSeconds.toFixed(1)} s` });
    const app = await buildApp(deps, { logger: false, beforeReady: (a) => a.get('/bench/constant', { config: { public: true }, schema: { hide: true } }, async () => ({ ok: true })) });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const api = client(address, world.apiKey);
    const bare = await timeMany(n, 20, () => fetch(`${address}/bench/constant`).then((r) => r.text()));
    rows.push({ id: 'HTTP', case: 'bare handler returning a constant', value: `p50 ${bare.p50.toFixed(2)} ms`, p95: bare.p95, p99: bare.p99, target: 'reference' });
    rows.push(...(await benchList(deps, world, api, n, log)));
    rows.push(...(await benchSearch(deps, world, api, Math.max(50, n / 2), log)));
    rows.push(...(await benchBoards(world, api, app.routeManifest.map((r) => r.url), n, log)));
    rows.push(...(await benchCreate(deps, world, api, Number(opts.creates), log)));
    await app.close();
    await s.database.close();
    const loaded = await timeStartup(backend === 'postgres' ? { DATABASE_URL: s.url! } : { VIXIEES_DATA_DIR: s.dataDir! });
    log(`  B7 loaded start: ${loaded.toFixed(2)} s`);
    rows.push({ id: 'B7', case: 'npm start → first /readyz, empty database', value: `${empty.toFixed(2)} s`, target: '≤ 3 s (embedded)', ok: backend === 'pglite' ? empty <= 3 : undefined });
    rows.push({ id: 'B7', case: `npm start → first /readyz, ${size} contacts`, value: `${loaded.toFixed(2)} s`, target: '≤ 3 s (embedded)', ok: backend === 'pglite' ? loaded <= 3 : undefined });
  } finally {
    await s.database.close().catch(() => undefined);
    await s.drop();
  }
  const out = table(rows);
  console.log(`\n${out}\n`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-${backend}-${size}.json`;
  writeFileSync(file, JSON.stringify({ command, backend, size, cores: cpus().length, cpu: cpus()[0]?.model, node: process.version, date: new Date().toISOString(), rows, table: out }, null, 2));
  console.log(`written ${file}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  const e = err as Error & { query?: string };
  console.error(`bench failed: ${e.message}${e.query ? `\n  in: ${e.query.slice(0, 200)}` : ''}`);
  process.exit(1);
}
