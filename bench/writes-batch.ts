/**
 * Contact writes through a real server process (issue 9): single creates at 8 in flight and the
 * batch API (100 items a call), measured from this process with autocannon when it can be
 * loaded (`AUTOCANNON=/path/to/node_modules/autocannon`), else with a fetch loop at the same
 * concurrency; and the set-based writer called in process with 1,000-item batches (the import's
 * path). PostgreSQL only: a fresh database `vixiees_bb_<ts>` on the admin URL, dropped after.
 *
 *   npx tsx bench/writes-batch.ts [--server postgres://postgres@127.0.0.1:5432/postgres] [--creates 4000] [--batches 200] [--inproc 20000]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import pg from 'pg';
import { makeDeps } from '../src/deps.ts';
import { systemActor } from '../src/lib/actor.ts';
import { openDatabase } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const admin = arg('server', 'postgres://postgres@127.0.0.1:5432/postgres');
const creates = Number(arg('creates', '4000'));
const batches = Number(arg('batches', '200'));
const inproc = Number(arg('inproc', '20000'));
const INFLIGHT = 8;

// Round trips: every statement this process sends (BEGIN and COMMIT included) while `counting`.
let counting = false;
let roundTrips = 0;
const clientQuery = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) roundTrips++;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
};
async function count(fn: () => Promise<unknown>): Promise<number> {
  roundTrips = 0;
  counting = true;
  try {
    await fn();
  } finally {
    counting = false;
  }
  return roundTrips;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

let seq = 0;
const run = Date.now().toString(36);
const contact = () => {
  const i = ++seq;
  return { firstName: 'Lucía', lastName: 'García López', email: `bb.${run}.${i}@bench.example`, phone: `6${String(10_000_000 + i).slice(-8)}`, company: 'Bench SA' };
};

type Load = { requests: number; seconds: number; non2xx: number; tool: string };

/** `count` POSTs of `body()` at `inflight` concurrency. */
async function load(url: string, apiKey: string, count: number, inflight: number, body: () => unknown): Promise<Load> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const path = process.env.AUTOCANNON;
  if (path) {
    const autocannon = createRequire(import.meta.url)(path) as (opts: object) => Promise<{ duration: number; non2xx: number; requests: { total: number }; '2xx': number }>;
    const t0 = performance.now();
    const r = await autocannon({ url, method: 'POST', connections: inflight, amount: count, headers, requests: [{ setupRequest: (req: object) => ({ ...req, body: JSON.stringify(body()) }) }] });
    // autocannon's own `duration` is whole seconds; time the run here.
    return { requests: r['2xx'], seconds: (performance.now() - t0) / 1000, non2xx: r.non2xx, tool: 'autocannon' };
  }
  let next = 0;
  let bad = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inflight }, async () => {
    while (next++ < count) {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body()) });
      await res.text();
      if (res.status >= 300) bad++;
    }
  }));
  return { requests: count - bad, seconds: (performance.now() - t0) / 1000, non2xx: bad, tool: 'fetch loop' };
}

async function main() {
  const dbName = `vixiees_bb_${run}`;
  const adminClient = new pg.Client({ connectionString: admin });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  const url = admin.replace(/\/[^/]*$/, `/${dbName}`);
  const database = await openDatabase({ databaseUrl: url });
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrate(database);
    const config = { port: 0, host: '127.0.0.1', databaseUrl: url, dataDir: '/tmp', logLevel: 'silent' as const, bodyLimitBytes: 1024 * 1024, workers: false };
    const deps = await makeDeps(config, database);
    const ws = await deps.services.workspaces.create({ name: 'Bench', defaultCountry: 'ES' });
    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), WORKERS: 'off', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const key = ws.apiKey.secret;
    await load(`${base}/v1/contacts`, key, 200, INFLIGHT, contact); // warm-up
    const singles = await load(`${base}/v1/contacts`, key, creates, INFLIGHT, contact);
    console.log(`single create, ${INFLIGHT} in flight (${singles.tool}): ${(singles.requests / singles.seconds).toFixed(0)} creates/s (${singles.requests} in ${singles.seconds.toFixed(1)} s, ${singles.non2xx} non-2xx)`);
    for (const inflight of [1, 2, 4]) {
      const b = await load(`${base}/v1/contacts/batch/create`, key, batches, inflight, () => ({ items: Array.from({ length: 100 }, contact) }));
      console.log(`batch API create, 100 a call, ${inflight} in flight (${b.tool}): ${((b.requests * 100) / b.seconds).toFixed(0)} contacts/s (${b.requests} calls in ${b.seconds.toFixed(1)} s, ${b.non2xx} non-2xx)`);
    }
    const actor = systemActor(ws.workspace.id);
    const keyActor = { workspaceId: ws.workspace.id, role: 'owner' as const, userId: ws.owner.id, type: 'api_key' as const, principalId: ws.apiKey.id };
    await deps.services.contacts.create(keyActor, contact());
    const single = await count(async () => {
      for (let i = 0; i < 20; i++) await deps.services.contacts.create(keyActor, contact());
    });
    const batch = await count(() => deps.services.contacts.writeBatch(keyActor, Array.from({ length: 100 }, contact), { mode: 'create' }));
    console.log(`round trips: single create ${single / 20}, writeBatch of 100 creates ${batch}`);
    for (const size of [1000]) {
      const t0 = performance.now();
      let made = 0;
      for (let i = 0; i < inproc / size; i++) {
        const r = await deps.services.contacts.writeBatch(actor, Array.from({ length: size }, contact), { mode: 'create', source: 'csv', sourceDetail: 'import:bench' });
        made += r.filter((x) => x.status === 'created').length;
      }
      const s = (performance.now() - t0) / 1000;
      console.log(`writeBatch in process, ${size} a batch, one at a time: ${(made / s).toFixed(0)} contacts/s (${made} in ${s.toFixed(1)} s)`);
    }
    const n = await database.raw(`SELECT (SELECT count(*) FROM contacts)::int AS c, (SELECT count(*) FROM consent_records)::int AS k, (SELECT count(*) FROM contact_events)::int AS e, (SELECT count(*) FROM outbox)::int AS o`);
    console.log('rows', n.rows[0]);
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await database.close();
    await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await adminClient.end();
  }
}

await main();
