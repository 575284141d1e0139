import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openDatabase } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'src', 'main.ts');

/**
 * Where a test's real server processes keep their data: a scratch database of their own on
 * PostgreSQL (the run's shared database has other files' workers, which would take this file's
 * jobs), a fresh data folder on the embedded database.
 */
export type ProcessBackend = { env: Record<string, string>; cleanup(): Promise<void> };

export async function isolatedBackend(prefix: string): Promise<ProcessBackend> {
  const url = inject('testDatabaseUrl');
  if (url) {
    const server = new URL(url);
    server.pathname = '/postgres';
    const scratch = await createScratchDatabase(server.toString(), prefix);
    const database = await openDatabase({ databaseUrl: scratch.url });
    await migrate(database);
    await database.close();
    return { env: { DATABASE_URL: scratch.url }, cleanup: scratch.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { env: { DATABASE_URL: '', VIXIEES_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

export type ServerProcess = { proc: ChildProcessWithoutNullStreams; base: string; exited: Promise<number | null>; log: () => string };

const spawned: ChildProcessWithoutNullStreams[] = [];

/** Kills every server a test started and left running (a failed assertion must not leave one holding the data folder). */
export function killServers(): void {
  for (const p of spawned) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/** `node --import tsx src/main.ts serve`, as `npm start` runs it, on a port the OS picks; resolves once it is ready. */
export async function startServer(backend: ProcessBackend, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...backend.env, PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', ...env },
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

/** Runs a CLI command (`--json`) in its own process against the backend and returns its parsed output. */
export function runCliJson(backend: ProcessBackend, args: string[]): unknown {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...backend.env, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`vixiees ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}
