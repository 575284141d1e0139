import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../lib/db.ts';
import { createScratchDatabase } from '../lib/scratch-database.ts';
import { migrate } from '../lib/migrate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const CONTACTS = 2000;

/**
 * The backend this file's servers use: its own scratch database on PostgreSQL (other files'
 * workers share the run's database and would work this file's jobs), a fresh folder otherwise.
 */
let env: Record<string, string>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const url = inject('testDatabaseUrl');
  if (url) {
    const server = new URL(url);
    server.pathname = '/postgres';
    const scratch = await createScratchDatabase(server.toString(), 'vixiees_kill');
    const database = await openDatabase({ databaseUrl: scratch.url });
    await migrate(database);
    await database.close();
    env = { DATABASE_URL: scratch.url };
    cleanup = scratch.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'vixiees-kill-'));
    env = { DATABASE_URL: '', VIXIEES_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
const spawned: ChildProcessWithoutNullStreams[] = [];
afterAll(async () => {
  // A failed assertion must not leave a server running (and holding the data folder).
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await cleanup?.();
});

type Server = { proc: ChildProcessWithoutNullStreams; base: string; exited: Promise<number | null>; log: () => string };

/** `node --import tsx src/main.ts serve`, as `npm start` runs it, on a port the OS picks. */
async function startServer(): Promise<Server> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  spawned.push(proc);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let log = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 90_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      for (const line of log.split('\n')) {
        if (!line.includes('Vixiees is ready')) continue;
        clearTimeout(timer);
        resolve(String((JSON.parse(line) as { address: string }).address));
      }
      if (log.length > 100_000) log = log.slice(-50_000);
    });
    proc.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return { proc, base, exited, log: () => log };
}

function cliJson(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('a bulk job killed mid-run', { timeout: 600_000 }, () => {
  it('resumes at the next start, applies every contact once, and the API answers while it runs', async () => {
    const { workspaceId, apiKey } = cliJson(['workspace', 'create', '--name', 'Kill test', '--json']);
    const call = async (server: Server, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, text };
    };

    let server = await startServer();
    // The API a user would call, 16 at a time: each contact gets its identifiers, events and counters.
    let next = 0;
    const ids: string[] = [];
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < CONTACTS) {
        const i = next++;
        const res = await call(server, 'POST', '/v1/contacts', { email: `k${i}@example.com` });
        expect(res.status, res.text).toBe(201);
        ids.push(res.body.id);
      }
    }));
    const playbook = await call(server, 'POST', '/v1/playbooks', { name: 'Kill pipeline', stages: [{ name: 'New' }, { name: 'Called' }] });
    expect(playbook.status, playbook.text).toBe(201);
    const [, target] = playbook.body.stages as { id: string }[];
    const started = await call(server, 'POST', '/v1/contacts/bulk', {
      selection: { filter: { field: 'source', op: 'eq', value: 'api' } },
      action: { type: 'moveStage', playbookId: playbook.body.id, stageId: target!.id },
    });
    expect(started.status, started.text).toBe(202);
    expect(started.body.progress.total).toBe(CONTACTS);
    const jobId = started.body.id as string;

    /** Polls the job and a contacts page until `until` holds; counts answers given while the job ran. */
    const watch = async (s: Server, until: (job: { status: string; progress: { done: number } }) => boolean) => {
      let answeredWhileRunning = 0;
      for (;;) {
        // A job that starves the event loop shows here: the server resets connections it left unread.
        const [job, list] = await Promise.all([call(s, 'GET', `/v1/jobs/${jobId}`), call(s, 'GET', '/v1/contacts?limit=5')]).catch((err: Error) => {
          throw new Error(`a request failed while the job ran (${answeredWhileRunning} answered before): ${err.message} ${String(err.cause)}`);
        });
        expect(job.status, job.text).toBe(200);
        expect(list.status, list.text).toBe(200);
        expect(list.body.data).toHaveLength(5);
        const running = job.body.status !== 'succeeded' && job.body.status !== 'failed';
        if (running && job.body.progress.done > 0) answeredWhileRunning += 2;
        if (until(job.body)) return { job: job.body, answeredWhileRunning };
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const before = await watch(server, (j) => j.status !== 'queued' && j.progress.done >= CONTACTS / 6);
    expect(before.job.status).toBe('running');
    expect(before.job.progress.done).toBeLessThan(CONTACTS);
    server.proc.kill('SIGKILL');
    expect(await server.exited).toBe(null);

    server = await startServer();
    const restarted = server;
    const after = await watch(server, (j) => j.status === 'succeeded' || j.status === 'failed').catch((err: Error) => {
      throw new Error(`${err.message}\nserver log:\n${restarted.log().slice(-5000)}`);
    });
    expect(after.job).toMatchObject({ status: 'succeeded', progress: { done: CONTACTS, failed: 0, total: CONTACTS } });
    const board = await call(server, 'GET', `/v1/playbooks/${playbook.body.id}/board?limit=1`);
    const column = (board.body.columns as { stage: { id: string }; count: number }[]).find((c) => c.stage.id === target!.id);
    expect(column?.count).toBe(CONTACTS);
    console.log(`bulk kill (${env.DATABASE_URL ? 'postgres' : 'pglite'}): contacts ${CONTACTS}; killed at ${before.job.progress.done} done; `
      + `requests answered while running: ${before.answeredWhileRunning} before the kill, ${after.answeredWhileRunning} after the restart`);
    expect(before.answeredWhileRunning).toBeGreaterThan(0);
    expect(after.answeredWhileRunning).toBeGreaterThan(0);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Read what was written, across the workspace's tables, as an auditor would.
    const database: Database = await openDatabase(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.VIXIEES_DATA_DIR });
    try {
      const count = async (q: string) => Number((await database.raw(q, [workspaceId])).rows[0]!.n);
      expect(await count(`SELECT count(*) AS n FROM contact_stage_history WHERE workspace_id = $1`)).toBe(CONTACTS);
      expect(await count(`SELECT count(DISTINCT contact_id) AS n FROM contact_stage_history WHERE workspace_id = $1`)).toBe(CONTACTS);
      expect(await count(`SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND stage_id = '${target!.id}' AND version = 2`)).toBe(CONTACTS);
      expect(await count(`SELECT count(*) AS n FROM bulk_job_items WHERE workspace_id = $1 AND state = 'done'`)).toBe(CONTACTS);
      expect(await count(`SELECT count(*) AS n FROM outbox WHERE workspace_id = $1 AND payload->>'change' = 'stage_changed'`)).toBe(CONTACTS);
    } finally {
      await database.close();
    }
  });
});
