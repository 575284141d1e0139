import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { isolatedBackend, killServers, runCliJson, startServer, type ProcessBackend } from '../../test/server-process.ts';
import { executeCommand } from './commands.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let n = 0;
let theirs: string;

const create = async (w: TestWorkspace, body: object = {}) => {
  const res = await w.req('POST', '/v1/contacts', { email: `cli${++n}@example.com`, ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string };
};

function readCsv(text: string, delimiter = ',') {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parse(text, { bom: true, delimiter, record_delimiter: '\r\n' }) as string[][];
  return { header: header!, rows: rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
}

async function listIds(w: TestWorkspace): Promise<string[]> {
  const res = await w.req('GET', '/v1/contacts?limit=500');
  return res.body.data.map((c: { id: string }) => c.id);
}

beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
  other = await t.workspace();
  for (let i = 0; i < 5; i++) await create(ws, { firstName: `Cli ${i}` });
  theirs = (await create(other, { firstName: 'Not mine' })).id;
});
afterAll(() => t.close());

describe('vixiees export contacts', () => {
  it('prints the CSV, writes it to a file, and refuses bad options', async () => {
    const c = await create(ws, { firstName: '=1+1', phone: '+34 699 000 111' });
    const out = await executeCommand(t.deps, ['export', 'contacts', '--workspace', ws.id, '--columns', 'id,firstName,phone', '--delimiter', ';']);
    expect(out.exitCode, out.stderr).toBe(0);
    const row = readCsv(out.stdout, ';').rows.find((r) => r.id === c.id)!;
    expect(row.firstName).toBe("'=1+1");
    expect(row.phone!.startsWith("'+34")).toBe(true);
    expect(out.stdout).not.toContain(theirs);

    const dir = mkdtempSync(join(tmpdir(), 'vixiees-export-'));
    try {
      const file = join(dir, 'out.csv');
      const written = await executeCommand(t.deps, ['export', 'contacts', '--workspace', ws.id, '--output', file]);
      expect(written.exitCode, written.stderr).toBe(0);
      const api = await listIds(ws);
      expect(written.stderr).toContain(`Exported ${api.length} contacts`);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('\uFEFFid;firstName;')).toBe(true); // the workspace is es-ES: `;` by default
      const fromFile = readCsv(text, ';').rows.map((r) => r.id);
      expect([...fromFile].sort()).toEqual([...api].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const bad = await executeCommand(t.deps, ['export', 'contacts', '--workspace', ws.id, '--columns', 'id,nope']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('/columns/1');
    expect((await executeCommand(t.deps, ['export', 'contacts', '--workspace', 'nope'])).exitCode).toBe(2);
    expect((await executeCommand(t.deps, ['export', 'contacts', '--workspace', ws.id, '--delimiter', '|'])).exitCode).toBe(2);
    expect((await executeCommand(t.deps, ['export', 'contacts', '--workspace', other.id, '--view', ws.id])).exitCode).toBe(1);
  });
});

describe('vixiees export contacts while a server holds the database', { timeout: 600_000 }, () => {
  let backend: ProcessBackend;
  beforeAll(async () => {
    backend = await isolatedBackend('vixiees_export');
  }, 120_000);
  afterAll(async () => {
    killServers(); // a failed assertion must not leave a server holding the folder
    await backend?.cleanup();
  });

  it('runs through the server (its bridge on the embedded database), stdout or --output, across pages of 500', async () => {
    const { workspaceId, apiKey } = runCliJson(backend, ['workspace', 'create', '--name', 'Export bridge', '--json']) as { workspaceId: string; apiKey: string };
    const server = await startServer(backend);
    const ids: string[] = [];
    let next = 0;
    const total = 620;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        const res = await fetch(`${server.base}/v1/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ firstName: i % 2 ? `=SUM(${i})` : `Name ${i}`, phone: `+34 600 ${String(100_000 + i).slice(-6)}` }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
    }));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'main.ts'), ...args], {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...process.env, ...backend.env, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 120_000,
      });

    const printed = cli(['export', 'contacts', '--workspace', workspaceId, '--columns', 'id,firstName,phone', '--delimiter', ',']);
    expect(printed.status, printed.stderr).toBe(0);
    const { rows } = readCsv(printed.stdout);
    expect(rows.length).toBe(total);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    for (const r of rows) {
      expect(r.phone!.startsWith("'+34")).toBe(true);
      expect(/^(Name \d+|'=SUM\(\d+\))$/.test(r.firstName!), r.firstName).toBe(true);
    }

    const dir = mkdtempSync(join(tmpdir(), 'vixiees-export-bridge-'));
    try {
      const file = join(dir, 'contacts.csv');
      const written = cli(['export', 'contacts', '--workspace', workspaceId, '--output', file]);
      expect(written.status, written.stderr).toBe(0);
      expect(written.stderr).toContain(`Exported ${total} contacts`);
      const fromFile = readCsv(readFileSync(file, 'utf8'), ';').rows; // es-ES workspace: `;`
      expect(new Set(fromFile.map((r) => r.id))).toEqual(new Set(ids));
      expect(existsSync(`${file}.part`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    server.proc.kill('SIGTERM');
    await server.exited;
  });
});
