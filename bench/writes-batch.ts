/**
 * Contact writes through a real server process (issue 9): single creates at 8 in flight and the
 * batch API (100 items a call), measured from this process with autocannon (only 2xx answers
 * count, rate up to the last answer); and the set-based writer called in process with 1,000-item batches (the import's
 * path). PostgreSQL only: a fresh database `vixiees_bb_<ts>` on the admin URL, dropped after.
 *
 * B5's reference: a bare transaction doing the same inserts (contact, email and phone
 * identifiers, starting consents, event, outbox row — one statement of data-modifying CTEs, as the
 * app's single create) as the app's role with the workspace set, on 8 connections at 8 in flight,
 * in the same run, so "single create ≥ 0.5× bare" compares like with like.
 *
 *   npx tsx bench/writes-batch.ts [--server postgres://postgres@127.0.0.1:5432/postgres] [--creates 4000] [--batches 200] [--inproc 20000] [--start "node dist/server/main.js serve"]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { makeDeps } from '../src/deps.ts';
import { systemActor } from '../src/lib/actor.ts';
import { openDatabase } from '../src/lib/db.ts';
import { uuidv7 } from '../src/lib/ids.ts';
import { migrate } from '../src/lib/migrate.ts';
import { drive } from './outside/drive.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const admin = arg('server', 'postgres://postgres@127.0.0.1:5432/postgres');
const creates = Number(arg('creates', '4000'));
const batches = Number(arg('batches', '200'));
const inproc = Number(arg('inproc', '20000'));
const INFLIGHT = 8;
/** The server's command (default: the sources through tsx); e.g. "node dist/server/main.js serve", the production build. */
const start = arg('start', `${process.execPath} --import tsx src/main.ts serve`).split(' ');

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

/** `count` POSTs of `body()` at `inflight`, from autocannon in this process (bench/outside/drive.ts): 2xx per second and p99. */
async function load(base: string, path: string, apiKey: string, count: number, inflight: number, body: () => unknown) {
  const d = await drive(base, apiKey, { method: 'POST', path, each: () => ({ body: JSON.stringify(body()), headers: { 'content-type': 'application/json' } }) }, inflight, count);
  return { ok: d.n - d.errors, okPerSecond: d.perSecond * ((d.n - d.errors) / d.n), errors: d.errors, p99: d.p99 };
}

/** `count` bare transactions at `inflight` connections, each writing what one API create writes. */
async function bareCreates(url: string, workspaceId: string, count: number, inflight: number): Promise<number> {
  const clients = await Promise.all(Array.from({ length: inflight }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const insert = `WITH c AS (
      INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, company, source, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, 'api', now(), now()) RETURNING *
    ), ids AS (
      INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
      VALUES ($1, 'email', $5, $2), ($1, 'phone', $6, $2) ON CONFLICT DO NOTHING RETURNING 1
    ), cons AS (
      INSERT INTO consent_starts (workspace_id, id, contact_id, ids, vals, explicit, changed_at, actor_type, actor_id, source)
      VALUES ($1, $8, $2, ARRAY[$8, gen_random_uuid(), gen_random_uuid(), gen_random_uuid()], '{t,t,f,f}', '{f,f,f,f}', now(), 'api_key', 'bench', 'api')
    ), ev AS (
      INSERT INTO contact_events (workspace_id, id, contact_id, type, data, actor_type, actor_id, occurred_at)
      VALUES ($1, $9, $2, 'contact.created', '{"source":"api"}', 'api_key', 'bench', now())
    ), ob AS (
      INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
      VALUES ($1, $10, 'contact.changed', jsonb_build_object('contactId', $2::text, 'change', 'created', 'workspaceId', $1::text), now())
    )
    SELECT (SELECT count(*) FROM ids)::int AS claimed, row_to_json(c.*) AS row FROM c`;
  let next = 0;
  const t0 = performance.now();
  try {
    await Promise.all(clients.map(async (client) => {
      while (next++ < count) {
        const body = contact();
        await client.query(`BEGIN; SELECT set_config('role', 'vixiees_app', true), set_config('app.workspace_id', '${workspaceId}', true)`);
        await client.query(insert, [workspaceId, uuidv7(), body.firstName, body.lastName, body.email, `+34${body.phone}`, body.company, uuidv7(), uuidv7(), uuidv7()]);
        await client.query('COMMIT');
      }
    }));
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  return count / ((performance.now() - t0) / 1000);
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
    server = spawn(start[0]!, start.slice(1), {
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
    const singles = await load(base, '/v1/contacts', key, creates, INFLIGHT, contact);
    const singleRate = singles.okPerSecond;
    console.log(`single create, ${INFLIGHT} in flight (autocannon): ${singleRate.toFixed(0)} creates/s counting 2xx only (${singles.ok} 2xx, ${singles.errors} not, p99 ${singles.p99.toFixed(1)} ms)`);
    const bare = await bareCreates(url, ws.workspace.id, creates, INFLIGHT);
    console.log(`bare transaction, same inserts, ${INFLIGHT} in flight: ${bare.toFixed(0)} creates/s; single create / bare = ${(singleRate / bare).toFixed(2)} (target ≥ 0.5, and ≥ 516/s)`);
    for (const inflight of [1, 2, 4]) {
      const b = await load(base, '/v1/contacts/batch/create', key, batches, inflight, () => ({ items: Array.from({ length: 100 }, contact) }));
      console.log(`batch API create, 100 a call, ${inflight} in flight (autocannon): ${(b.okPerSecond * 100).toFixed(0)} contacts/s (${b.ok} calls 2xx, ${b.errors} not, p99 ${b.p99.toFixed(1)} ms)`);
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
