import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedBackend, killServers, runCliJson, startServer as startServer_, type ProcessBackend, type ServerProcess } from '../../test/server-process.ts';
import { openDatabase, type Database } from '../lib/db.ts';
import { plainFile } from './import-fixtures.test-helpers.ts';

const ROWS = 20_000;
const BAD = new Set([5, 12_345, 19_999]);

let backend: ProcessBackend;
let dataDir: string;
beforeAll(async () => {
  backend = await isolatedBackend('vixiees_import_kill');
  // Uploaded files live in the data folder, on PostgreSQL too.
  dataDir = backend.env.VIXIEES_DATA_DIR || mkdtempSync(join(tmpdir(), 'vixiees-import-kill-'));
}, 120_000);
afterAll(async () => {
  killServers();
  await backend?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const startServer = () => startServer_(backend, { VIXIEES_DATA_DIR: dataDir });

describe('an import killed mid-run', { timeout: 600_000 }, () => {
  it('resumes from its checkpoint at the next start and applies every row exactly once', async () => {
    const { workspaceId, apiKey } = runCliJson({ ...backend, env: { ...backend.env, VIXIEES_DATA_DIR: dataDir } }, ['workspace', 'create', '--name', 'Import kill', '--json']) as { workspaceId: string; apiKey: string };
    const call = async (server: ServerProcess, method: string, path: string) => {
      const res = await fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${apiKey}` } });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, text };
    };

    let server = await startServer();
    const form = new FormData();
    form.append('mode', 'partial');
    form.append('file', new Blob([new Uint8Array(plainFile(ROWS, 'kill', BAD))], { type: 'text/csv' }), 'kill.csv');
    const up = await fetch(`${server.base}/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
    const draft = await up.json();
    expect(up.status, JSON.stringify(draft)).toBe(201);
    const id = draft.id as string;
    expect((await call(server, 'POST', `/v1/imports/${id}/start`)).status).toBe(202);

    const watch = async (s: ServerProcess, until: (imp: { status: string; progress: { rowsDone: number } }) => boolean) => {
      for (;;) {
        const r = await call(s, 'GET', `/v1/imports/${id}`);
        expect(r.status, r.text).toBe(200);
        if (until(r.body)) return r.body;
        await new Promise((res) => setTimeout(res, 25));
      }
    };
    const before = await watch(server, (i) => i.progress.rowsDone >= 2000);
    expect(before.status).toBe('running');
    expect(before.progress.rowsDone).toBeLessThan(ROWS);
    expect(before.progress.rowsPerSecond).toBeGreaterThan(0);
    server.proc.kill('SIGKILL');
    expect(await server.exited).toBe(null);

    server = await startServer();
    const restarted = server;
    const after = await watch(server, (i) => i.status === 'succeeded' || i.status === 'failed').catch((err: Error) => {
      throw new Error(`${err.message}\nserver log:\n${restarted.log().slice(-5000)}`);
    });
    expect(after.status).toBe('succeeded');
    expect(after.counts).toEqual({ created: ROWS - BAD.size, updated: 0, unchanged: 0, failed: BAD.size, conflict: 0, notApplied: 0 });
    expect(after.progress).toMatchObject({ rowsDone: ROWS, totalRows: ROWS });
    console.log(`import kill (${backend.env.DATABASE_URL ? 'postgres' : 'pglite'}): rows ${ROWS}; killed at ${before.progress.rowsDone} committed`);

    // The CLI while the server runs (on the embedded database: through the server's bridge).
    const small = join(dataDir, 'cli-small.csv');
    writeFileSync(small, plainFile(5, 'cli', new Set([2])));
    const cli = runCliJson({ ...backend, env: { ...backend.env, VIXIEES_DATA_DIR: dataDir } }, ['import', 'contacts', small, '--workspace', workspaceId, '--json']) as { status: string; counts: Record<string, number>; errorsFile: string };
    expect(cli).toMatchObject({ status: 'succeeded', counts: { created: 4, failed: 1 }, errorsFile: join(dataDir, 'cli-small-errors.csv') });

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const database: Database = await openDatabase(backend.env.DATABASE_URL ? { databaseUrl: backend.env.DATABASE_URL } : { dataDir });
    try {
      const count = async (q: string) => Number((await database.raw(q, [workspaceId])).rows[0]!.n);
      expect(await count(`SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND source_detail = 'import:${id}'`)).toBe(ROWS - BAD.size);
      expect(await count(`SELECT count(DISTINCT email) AS n FROM contacts WHERE workspace_id = $1 AND source_detail = 'import:${id}'`)).toBe(ROWS - BAD.size);
      expect(await count(`SELECT count(*) AS n FROM import_rows WHERE workspace_id = $1 AND import_id = '${id}'`)).toBe(ROWS);
      expect(await count(`SELECT count(*) AS n FROM contact_events e JOIN contacts c ON c.workspace_id = e.workspace_id AND c.id = e.contact_id
        WHERE e.workspace_id = $1 AND e.type = 'contact.created' AND c.source_detail = 'import:${id}'`)).toBe(ROWS - BAD.size);
    } finally {
      await database.close();
    }
  });
});
