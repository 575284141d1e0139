/**
 * B4 webhook acknowledgement measured from outside: the real server (`npm start`, workers off, so
 * the job side does not share the CPU) as its own process on a fresh database, a workspace made
 * by the CLI and a WhatsApp Cloud integration connected through the API, then driven by
 * autocannon from this process at 1, 8 and 32 connections. Every request is a distinct, validly
 * signed WhatsApp message envelope (its own wamid, so each stores one event); the bare handler
 * (`GET /healthz`) is measured in the same run. At the end the stored events are counted against
 * the 2xx answers: an acknowledged event that is not stored is a loss. Beside each figure, the
 * server's CPU per request (its process group, from /proc): steadier than the ratio, whose
 * reference (the bare handler) swings by 2× from run to run on a shared 2-core machine.
 *
 *   npx tsx bench/webhooks-outside.ts --backend pglite             # a fresh embedded data dir, removed after
 *   npx tsx bench/webhooks-outside.ts --backend postgres           # a fresh vixiees_bench_* database, dropped after
 *   … [--requests 2000] [--server postgres://postgres@127.0.0.1:5432/postgres] [--start 'npm start'] [--cli 'node bin/vixiees.js']
 *
 * `--start` and `--cli` may name another checkout's entry point (`node --import tsx <dir>/src/main.ts serve`
 * and the same without `serve`), to measure two versions back to back.
 *
 * `--process` then starts the server again on the same database with its workers on and times
 * how long they take to process the backlog of stored events (until the integration's event log
 * has none `received`): processing through the outbox relay, pg-boss and the handler, in events a
 * second from the start of that server to the last event processed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { metaSignature } from '../src/integrations/signatures.ts';
import { openDatabase } from '../src/lib/db.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';
import { client } from './http.ts';
import { drive, type Driven, type Request } from './outside/drive.ts';
import { startServer } from './outside/server.ts';

const { values: opts } = parseArgs({
  options: {
    backend: { type: 'string', default: 'pglite' },
    requests: { type: 'string', default: '2000' },
    server: { type: 'string', default: process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    start: { type: 'string', default: 'npm start' },
    cli: { type: 'string', default: 'node bin/vixiees.js' },
    process: { type: 'boolean', default: false },
  },
});
if (opts.backend !== 'pglite' && opts.backend !== 'postgres') throw new Error('--backend pglite|postgres');
const n = Number(opts.requests);
const CONNECTIONS = [1, 8, 32] as const;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const APP_SECRET = 'bench_app_secret';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';

/** A fresh database for the server and a way to count its stored events once the server is stopped. */
async function freshDatabase(): Promise<{ env: Record<string, string>; storedEvents(): Promise<number>; drop(): Promise<void> }> {
  const count = 'SELECT count(*)::int AS n FROM integration_events';
  if (opts.backend === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-b4-'));
    return {
      env: { VIXIEES_DATA_DIR: dataDir },
      async storedEvents() {
        const database = await openDatabase({ dataDir });
        try {
          return Number((await database.raw(count)).rows[0]!.n);
        } finally {
          await database.close();
        }
      },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const { url, drop } = await createScratchDatabase(opts.server!, 'vixiees_bench_webhooks');
  return {
    env: { DATABASE_URL: url },
    async storedEvents() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return Number((await c.query(count)).rows[0].n);
      } finally {
        await c.end();
      }
    },
    drop,
  };
}

let seq = 0;
const run = `${process.pid}${Date.now().toString(36)}`;
/** One inbound text message as Meta sends it, with its own wamid, signed with the app secret. */
function signedMessage(): { body: string; headers: Record<string, string> } {
  const i = ++seq;
  const from = `3461${String(1_000_000 + (i % 5000)).padStart(7, '0')}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA_ID, changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
      contacts: [{ profile: { name: 'Dana' }, wa_id: from }],
      messages: [{ from, id: `wamid.BENCH${run}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `Hola, ¿tenéis cita el jueves? (${i})` } }],
    } }] }],
  });
  return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(APP_SECRET, body) } };
}

type Row = { name: string; at: Record<number, Driven> };

/** `--process`: the server again, workers on, until no stored event is left `received`. */
async function processBacklog(apiKey: string, integrationId: string, env: Record<string, string>): Promise<{ seconds: number; afterReady: number }> {
  const started = performance.now();
  const server = await startServer(opts.start!, { ...env, WORKERS: 'on' });
  try {
    const api = client(server.base, apiKey);
    const waiting = async () => (await api<{ data: unknown[] }>('GET', `/v1/integrations/${integrationId}/events?status=received&limit=200`)).data.length;
    const backlog = await waiting();
    while ((await waiting()) > 0) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    console.log(`processing: ${seconds.toFixed(2)} s from the server's start to the last event processed (${backlog}${backlog === 200 ? '+' : ''} waiting when it first answered)`);
    return { seconds, afterReady: seconds - server.startSeconds };
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(`B4 webhook ack from outside, ${opts.backend}, ${cpus().length} cores, node ${process.version}, load ${load()}`);
  const db = await freshDatabase();
  const env = { ...db.env, WORKERS: 'off', RATE_LIMIT_PER_MINUTE: '100000000' };
  let processed: { seconds: number; afterReady: number } | undefined;
  let integrationId = '';
  const rows: Row[] = [];
  let stored = -1;
  let answered = 0;
  try {
    const made = JSON.parse(execFileSync(opts.cli!.split(' ')[0]!, [...opts.cli!.split(' ').slice(1), 'workspace', 'create', '--name', 'B4 bench', '--json'], { env: { ...process.env, ...env, LOG_LEVEL: 'error' }, encoding: 'utf8' })) as { apiKey: string };
    const server = await startServer(opts.start!, env);
    try {
      console.log(`server up in ${server.startSeconds.toFixed(2)} s (${opts.start}, WORKERS=${env.WORKERS})`);
      const integration = await client(server.base, made.apiKey)<{ id: string; webhookUrl: string }>('POST', '/v1/integrations', {
        provider: 'whatsapp',
        name: 'B4 bench',
        settings: { phoneNumberId: PHONE_NUMBER_ID, wabaId: WABA_ID, verifyToken: 'bench-verify-token' },
        secrets: { appSecret: APP_SECRET, accessToken: 'bench-access-token' },
      });
      const cases: [string, Request][] = [
        ['bare handler (GET /healthz)', { method: 'GET', path: '/healthz' }],
        ['webhook ack (POST signed WhatsApp message)', { method: 'POST', path: integration.webhookUrl, each: signedMessage }],
      ];
      for (const [name, req] of cases) {
        const row: Row = { name, at: {} };
        for (const c of CONNECTIONS) {
          const d = await drive(server.base, undefined, req, c, n, server.cpuSeconds);
          row.at[c] = d;
          if (req.each) answered += d.answered;
          console.log(`  ${name} at ${c}: ${d.perSecond.toFixed(0)} req/s, p50 ${d.p50.toFixed(1)} / p99 ${d.p99.toFixed(1)} ms, server CPU ${d.cpuMs!.toFixed(3)} ms a request${d.errors ? `, ${d.errors} errors` : ''}`);
        }
        rows.push(row);
      }
      integrationId = integration.id;
    } finally {
      await server.stop();
    }
    if (opts.process) processed = await processBacklog(made.apiKey, integrationId, env);
    stored = await db.storedEvents();
  } finally {
    await db.drop();
  }
  const [bare, ack] = rows as [Row, Row];
  const cells = (r: Row) => CONNECTIONS.map((c) => `${r.at[c]!.perSecond.toFixed(0)} req/s, p50 ${r.at[c]!.p50.toFixed(1)} / p99 ${r.at[c]!.p99.toFixed(1)} ms`);
  const ratio = ack.at[32]!.perSecond / bare.at[32]!.perSecond;
  const p99 = ack.at[32]!.p99;
  const errors = CONNECTIONS.reduce((s, c) => s + ack.at[c]!.errors, 0);
  const verdict = `ratio ${ratio >= 0.4 ? 'yes' : '**no**'} · p99 ${p99 <= 25 ? 'yes' : '**no**'} · lost ${stored >= answered ? 'none' : `**${answered - stored}**`}${errors ? ` · **${errors} errors**` : ''}`;
  const cpu = (r: Row) => r.at[32]!.cpuMs!.toFixed(3);
  const table = [
    `| # | case (${opts.backend}) | 1 connection | 8 connections | 32 connections | × bare at 32 | server CPU ms a request at 32 | target | verdict |`,
    '|---|---|---|---|---|---|---|---|---|',
    `| HTTP | ${bare.name} | ${cells(bare).join(' | ')} | 1 | ${cpu(bare)} | | reference |`,
    `| B4 | ${ack.name} | ${cells(ack).join(' | ')} | ${ratio.toFixed(3)} | ${cpu(ack)} | ≥ 0.4× bare, p99 ≤ 25 ms at 32 | ${verdict} |`,
  ].join('\n');
  console.log(`\n${table}\n\n${n} requests per case and concurrency (after a warm-up); ${answered} webhooks answered 2xx, ${stored} events stored${processed ? `; processing (workers on, a fresh start on that backlog): ${stored} events in ${processed.seconds.toFixed(2)} s from the server's start, ${processed.afterReady.toFixed(2)} s from its /readyz → **${(stored / processed.afterReady).toFixed(0)} events/s** after ready (≥ 1,000/s), ${(stored / processed.seconds).toFixed(0)} counting the start` : ''}${stored > answered ? ' (more stored than answered: requests that timed out on the client after their commit, which a sender retries and the inbox dedupes)' : ''}; load average at the end ${load()}`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-webhooks-${opts.backend}.json`;
  writeFileSync(file, JSON.stringify({ command: `npx tsx bench/webhooks-outside.ts ${process.argv.slice(2).join(' ')}`, cores: cpus().length, node: process.version, loadavg: loadavg(), date: new Date().toISOString(), rows, answered, stored, table }, null, 2));
  console.log(`written ${file}`);
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
}
