import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedBackend, killServers, runCliJson, startServer as startServer_, type ProcessBackend, type ServerProcess } from '../../test/server-process.ts';
import { openDatabase, type Database } from '../lib/db.ts';

const CONTACTS = 2000;

let backend: ProcessBackend;
beforeAll(async () => {
  backend = await isolatedBackend('vixiees_kill');
}, 120_000);
afterAll(async () => {
  // A failed assertion must not leave a server running (and holding the data folder).
  killServers();
  await backend?.cleanup();
});

// Its own database or folder: other files' workers on the run's shared database would take this job.
const startServer = () => startServer_(backend);
const cliJson = (args: string[]) => runCliJson(backend, args) as { workspaceId: string; apiKey: string };
type Server = ServerProcess;

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
    console.log(`bulk kill (${backend.env.DATABASE_URL ? 'postgres' : 'pglite'}): contacts ${CONTACTS}; killed at ${before.job.progress.done} done; `
      + `requests answered while running: ${before.answeredWhileRunning} before the kill, ${after.answeredWhileRunning} after the restart`);
    expect(before.answeredWhileRunning).toBeGreaterThan(0);
    expect(after.answeredWhileRunning).toBeGreaterThan(0);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Read what was written, across the workspace's tables, as an auditor would.
    const database: Database = await openDatabase(backend.env.DATABASE_URL ? { databaseUrl: backend.env.DATABASE_URL } : { dataDir: backend.env.VIXIEES_DATA_DIR });
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
