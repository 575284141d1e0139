/**
 * B4 processing (issue 10): stored WhatsApp webhook events into messages, timeline, attention and
 * the 24-hour window, timed as the worker runs them.
 *
 * A fresh database (a PGlite data dir in $TMPDIR, removed after; or `vixiees_bench_wh_<ts>` on the
 * admin URL, dropped after), one workspace with a WhatsApp Cloud integration, `--senders` existing
 * contacts (their phones typed in national form, as a CRM holds them) and as many new senders.
 * `--events` text messages from those senders (round robin, so each writes events/senders/2
 * times, each message a second after the one before) are stored through `integrations.receive()` with signed bodies of `--per-job` messages
 * each: one request is one stored outbox row, one job with that many event ids (what receive
 * publishes; a receive side that groups concurrent requests only makes jobs larger).
 *
 * Then every `integration.events` job of the outbox is run in this process, one after the other,
 * through what the job handler the worker registers runs (`integrations.process`, via
 * `processJob`, which also counts the events that went the batched way), inside the job's
 * workspace scope as `queue.ts` runs it — pg-boss itself is left out — until every event is processed.
 * `--path one-by-one` runs the per-event adapter only (the path before the batch).
 *
 *   npx tsx bench/webhooks-processing.ts --backend pglite|postgres [--events 5000] [--per-job 50] [--path batched|one-by-one] [--server postgres://postgres@127.0.0.1:5432/postgres]
 *   (--keep leaves the PostgreSQL database for a look at its plans)
 *
 * Prints events/s and where the time goes: statements by kind with their time (PostgreSQL:
 * every statement the pool sends, timed by the client; PGlite: every protocol message, timed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Config } from '../src/config.ts';
import { makeDeps } from '../src/deps.ts';
import { metaSignature } from '../src/integrations/signatures.ts';
import { systemActor } from '../src/lib/actor.ts';
import { openDatabase, queryRows, type Database } from '../src/lib/db.ts';
import type { JobPayload } from '../src/lib/jobs/queue.ts';
import { migrate } from '../src/lib/migrate.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';
import { jobHandlers } from '../src/workers.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const backend = arg('backend', 'pglite');
const events = Number(arg('events', '5000'));
const perJob = Number(arg('per-job', '50'));
const senders = Math.max(1, Math.round(events / 5));
const path = arg('path', 'batched');
const admin = arg('server', 'postgres://postgres@127.0.0.1:5432/postgres');
if (backend !== 'pglite' && backend !== 'postgres') throw new Error('--backend pglite|postgres');
if (path !== 'batched' && path !== 'one-by-one') throw new Error('--path batched|one-by-one');

const APP_SECRET = 'bench_app_secret';
const PHONE_NUMBER_ID = '106540352242922';

// Statement timings (PostgreSQL): every query the pools send while `recording`, by its first words.
type Stat = { n: number; ms: number };
const stats = new Map<string, Stat>();
let recording = false;
const label = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '?')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 90);
const note = (text: string, ms: number) => {
  const k = label(text);
  const s = stats.get(k) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  stats.set(k, s);
};
const clientQuery = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const p = (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (recording && p && typeof (p as Promise<unknown>).then === 'function') {
    const q = args[0];
    const text = typeof q === 'string' ? q : String((q as { text?: string })?.text ?? '');
    const t0 = performance.now();
    (p as Promise<unknown>).then(
      () => note(text, performance.now() - t0),
      () => note(`(failed) ${text}`, performance.now() - t0),
    );
  }
  return p;
};

/**
 * PGlite: counts the statements (each Parse or simple Query message of the protocol) and times
 * them: every message until the next statement (Bind, Execute, Sync) counts toward the one
 * parsed before it. PGlite runs one message at a time, so these times add up to its busy time.
 */
function countPglite(database: Database) {
  const client = database.pglite as unknown as Record<string, (m: Uint8Array, ...a: unknown[]) => Promise<unknown>>;
  let current = '(PGlite statement)';
  const textOf = (m: Uint8Array): string => {
    // Query: 'Q', length, text\0. Parse: 'P', length, name\0, text\0, ….
    let at = 5;
    if (m[0] === 0x50) while (at < m.length && m[at] !== 0) at++;
    if (m[0] === 0x50) at++;
    let end = at;
    while (end < m.length && m[end] !== 0) end++;
    return new TextDecoder().decode(m.subarray(at, end));
  };
  for (const name of ['execProtocol', 'execProtocolStream']) {
    const original = client[name]!.bind(client);
    client[name] = async (m: Uint8Array, ...a: unknown[]) => {
      if (!recording) return original(m, ...a);
      const statement = m[0] === 0x50 || m[0] === 0x51;
      if (statement) current = textOf(m);
      const t0 = performance.now();
      try {
        return await original(m, ...a);
      } finally {
        const ms = performance.now() - t0;
        if (statement) note(current, ms);
        else {
          const s = stats.get(label(current));
          if (s) s.ms += ms;
        }
      }
    };
  }
}

const digits = (i: number) => String(i).padStart(8, '0');
/** Sender i: existing ones are stored as typed in Spain ("6…"), new ones are new numbers. */
const waIdOf = (i: number) => (i < senders / 2 ? `346${digits(i)}` : `347${digits(i)}`);

async function main() {
  const dbName = `vixiees_bench_wh_${Date.now().toString(36)}`;
  let dataDir: string | undefined;
  let url: string | undefined;
  let adminClient: pg.Client | undefined;
  if (backend === 'postgres') {
    adminClient = new pg.Client({ connectionString: admin });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE ${dbName}`);
    url = admin.replace(/\/[^/]*$/, `/${dbName}`);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'vixiees-bench-wh-'));
  }
  const database = await openDatabase({ databaseUrl: url, dataDir });
  try {
    if (backend === 'pglite') countPglite(database);
    await migrate(database);
    const config: Config = { port: 0, host: '127.0.0.1', databaseUrl: url, dataDir: dataDir ?? '/tmp', logLevel: 'silent', bodyLimitBytes: 1024 * 1024, workers: false };
    const deps = await makeDeps(config, database);
    const { workspace, owner } = await deps.services.workspaces.create({ name: 'Bench', defaultCountry: 'ES' });
    const ws = workspace.id;
    const admin = { workspaceId: ws, role: 'owner' as const, userId: owner.id, type: 'user' as const, principalId: owner.id };
    const integration = await deps.services.integrations.create(admin, {
      provider: 'whatsapp',
      name: 'Bench',
      settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: '102290129340398', verifyToken: 'bench' },
      secrets: { appSecret: APP_SECRET, accessToken: 'unused' },
    });

    // Existing contacts: half the senders, phones in national form.
    const existing = Array.from({ length: Math.floor(senders / 2) }, (_, i) => ({ firstName: 'Cliente', lastName: `${i}`, phone: `6${digits(i)}` }));
    for (let i = 0; i < existing.length; i += 1000) {
      const results = await deps.services.contacts.writeBatch(systemActor(ws), existing.slice(i, i + 1000), { mode: 'create' });
      const bad = results.find((r) => r.status !== 'created');
      if (bad) throw new Error(`seed contact not created: ${JSON.stringify(bad)}`);
    }

    // Stored events: one signed request per job of `perJob` messages.
    const t0s = performance.now();
    // Each message a second after the one before, all in the past: a sender's later message moves
    // its window (`last_inbound_whatsapp_at`) while its attention stays from the first, as in life.
    const firstTs = Math.floor(Date.now() / 1000) - 60 - events;
    for (let j = 0; j < events; j += perJob) {
      const n = Math.min(perJob, events - j);
      const senderIds = Array.from({ length: n }, (_, k) => (j + k) % senders);
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
                  contacts: [...new Set(senderIds)].map((s) => ({ profile: { name: `Remitente ${s}` }, wa_id: waIdOf(s) })),
                  messages: senderIds.map((s, k) => ({ from: waIdOf(s), id: `wamid.BENCH${j + k}`, timestamp: String(firstTs + j + k), type: 'text', text: { body: `Hola, mensaje ${j + k}` } })),
                },
              },
            ],
          },
        ],
      });
      const res = await deps.services.integrations.receive('whatsapp', integration.id, Buffer.from(body), { 'x-hub-signature-256': metaSignature(APP_SECRET, body) });
      if (res.stored !== n) throw new Error(`stored ${res.stored} of ${n}`);
    }
    console.log(`stored ${events} events in ${((performance.now() - t0s) / 1000).toFixed(1)} s (${perJob} a request, ${senders} senders: ${existing.length} existing contacts, ${senders - existing.length} new)`);

    const jobs = await queryRows<{ payload: JobPayload }>(
      database.systemDb,
      sql`SELECT payload FROM outbox WHERE topic = 'integration.events' AND workspace_id = ${ws} ORDER BY id`,
    );
    const idsPerJob = jobs.map((j) => (j.payload.eventIds as unknown[]).length);
    console.log(`jobs: ${jobs.length}, event ids a job: min ${Math.min(...idsPerJob)}, max ${Math.max(...idsPerJob)}`);

    // What the registered handler runs (`integrations.process`), through `processJob`, which
    // also answers how many events went the batched way: the same code, with a count.
    if (!jobHandlers(deps)['integration.events']) throw new Error('no integration.events handler');
    const ways = { batched: 0, oneByOne: 0, rolledBack: [] as string[] };
    const run = async (payload: JobPayload) => {
      const r = await inWorkspace(payload.workspaceId, () => deps.services.integrations.processJob(payload, { oneByOne: path === 'one-by-one' }));
      ways.batched += r.batched;
      ways.oneByOne += r.oneByOne;
      if (r.rolledBack) ways.rolledBack.push(r.rolledBack);
    };
    recording = true;
    const t0 = performance.now();
    for (const job of jobs) await run(job.payload);
    const seconds = (performance.now() - t0) / 1000;
    recording = false;

    const [c] = await queryRows<{ processed: number; failed: number; messages: number; contacts: number; pending: number; windows: number }>(
      database.systemDb,
      sql`SELECT
        (SELECT count(*)::int FROM integration_events WHERE workspace_id = ${ws} AND status = 'processed') AS processed,
        (SELECT count(*)::int FROM integration_events WHERE workspace_id = ${ws} AND status <> 'processed') AS failed,
        (SELECT count(*)::int FROM whatsapp_messages WHERE workspace_id = ${ws}) AS messages,
        (SELECT count(*)::int FROM contacts WHERE workspace_id = ${ws}) AS contacts,
        (SELECT count(*)::int FROM contacts WHERE workspace_id = ${ws} AND attention_whatsapp_since IS NOT NULL) AS pending,
        (SELECT count(*)::int FROM contacts WHERE workspace_id = ${ws} AND last_inbound_whatsapp_at IS NOT NULL) AS windows`,
    );
    console.log(`\n${backend}, path ${path}: ${events} events in ${seconds.toFixed(2)} s = ${(events / seconds).toFixed(0)} events/s`);
    console.log(`  events batched ${ways.batched}, one by one ${ways.oneByOne}; batches rolled back ${ways.rolledBack.length}${ways.rolledBack.length ? ` (first: ${ways.rolledBack[0]})` : ''}`);
    console.log(`  processed ${c!.processed}, not processed ${c!.failed}; messages ${c!.messages}; contacts ${c!.contacts} (pending ${c!.pending}, window opened ${c!.windows})`);
    if (c!.processed !== events || c!.messages !== events || c!.contacts !== senders || c!.pending !== senders || c!.windows !== senders) {
      process.exitCode = 1;
      console.log('  MISMATCH: expected every event processed, one message each, one contact and one pending window per sender');
    }
    const total = [...stats.values()].reduce((a, s) => a + s.n, 0);
    console.log(`  statements: ${total} (${(total / events).toFixed(1)} an event); ${backend === 'postgres' ? 'client' : 'PGlite'} time by statement (top 15):`);
    {
      const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
      for (const [k, s] of rows) console.log(`  ${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)} × ${(s.ms / s.n).toFixed(2).padStart(6)} ms  ${k}`);
    }
  } finally {
    await database.close();
    if (adminClient && process.argv.includes('--keep')) {
      console.log(`kept ${dbName}`);
      await adminClient.end();
    } else if (adminClient) {
      await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await adminClient.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
