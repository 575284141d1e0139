import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bridgeUrl } from './cli.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vixiees.js');
const dirs: string[] = [];
const tempDataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vixiees-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `vixiees …` as a user would, in its own process. */
function cli(args: string[], env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function backendEnv(): Record<string, string | undefined> {
  const url = inject('testDatabaseUrl');
  return url ? { DATABASE_URL: url } : { DATABASE_URL: undefined, VIXIEES_DATA_DIR: tempDataDir() };
}

// Each command is a real process opening the database: slow on a busy 2-core machine.
describe('the vixiees CLI', { timeout: 300_000 }, () => {
  it('creates a workspace and its first key, then manages keys and contacts', () => {
    const env = backendEnv();
    const ws = cli(['workspace', 'create', '--name', 'Acme Ventas', '--country', 'MX', '--json'], env);
    expect(ws.code, ws.stderr).toBe(0);
    const { workspaceId, apiKey } = JSON.parse(ws.stdout);
    expect(apiKey).toMatch(/^vx_live_/);

    const created = cli(['contacts', 'create', '--workspace', workspaceId, '--first-name', 'Rocío', '--phone', '55 1234 5678'], env);
    expect(created.code, created.stderr).toBe(0);
    const contact = JSON.parse(created.stdout);
    expect(contact).toMatchObject({ firstName: 'Rocío', phone: '+525512345678', source: 'manual' });

    const got = cli(['contacts', 'get', '--workspace', workspaceId, contact.id], env);
    expect(JSON.parse(got.stdout).id).toBe(contact.id);
    const list = cli(['contacts', 'list', '--workspace', workspaceId], env);
    expect(JSON.parse(list.stdout).data.map((c: { id: string }) => c.id)).toEqual([contact.id]);

    const key = JSON.parse(cli(['apikey', 'create', '--workspace', workspaceId, '--name', 'ci', '--role', 'member', '--json'], env).stdout);
    expect(key.role).toBe('member');
    expect(cli(['apikey', 'list', '--workspace', workspaceId], env).stdout).toContain(key.id);
    expect(cli(['apikey', 'revoke', '--workspace', workspaceId, '--id', key.id], env).stdout).toContain('revoked');

    const bad = cli(['contacts', 'create', '--workspace', workspaceId, '--first-name', 'NoId'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('identifier_required');
  });

  it('explains bad usage with exit code 2', () => {
    const env = backendEnv();
    const r = cli(['contacts', 'frobnicate'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: vixiees');
    expect(cli(['workspace', 'create', '--bogus'], env).code).toBe(2);
  });

  it('runs commands through a server that holds the embedded database', async () => {
    const dataDir = tempDataDir();
    const server = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, DATABASE_URL: '', VIXIEES_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', WORKERS: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('server did not start')), 120_000);
        server.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Vixiees is ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const env = { DATABASE_URL: '', VIXIEES_DATA_DIR: dataDir };
      const ws = cli(['workspace', 'create', '--name', 'Through server', '--json'], env);
      expect(ws.code, ws.stderr).toBe(0);
      const { workspaceId } = JSON.parse(ws.stdout);
      const c = cli(['contacts', 'create', '--workspace', workspaceId, '--email', 'via@server.example'], env);
      expect(c.code, c.stderr).toBe(0);
      expect(JSON.parse(cli(['contacts', 'list', '--workspace', workspaceId], env).stdout).data).toHaveLength(1);
      const key = cli(['apikey', 'create', '--workspace', workspaceId, '--name', 'script', '--json'], env);
      expect(key.code, key.stderr).toBe(0);
      const revoked = cli(['apikey', 'revoke', '--workspace', workspaceId, '--id', JSON.parse(key.stdout).id, '--json'], env);
      expect(JSON.parse(revoked.stdout)).toMatchObject({ id: JSON.parse(key.stdout).id, revokedAt: expect.stringMatching(/^\d{4}-/) });

      // Right after `npm start` the server holds the folder before it listens: a command waits
      // for it instead of calling the folder busy. Hide the address, then give it back.
      const lockFile = join(dataDir, 'vixiees.lock');
      const lock = readFileSync(lockFile, 'utf8');
      const { pid } = JSON.parse(lock) as { pid: number };
      writeFileSync(lockFile, JSON.stringify({ pid, role: 'server' }));
      const waiting = spawn(process.execPath, [BIN, 'workspace', 'create', '--name', 'While starting', '--json'], {
        env: { ...process.env, LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      waiting.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await new Promise<void>((resolve) => {
        waiting.stderr.on('data', (c: Buffer) => {
          if (c.toString().includes('Waiting for the server')) resolve();
        });
      });
      writeFileSync(lockFile, lock);
      const code = await new Promise((r) => waiting.on('close', r));
      expect(code).toBe(0);
      expect(JSON.parse(out).apiKey).toMatch(/^vx_live_/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    // The signal reached the server itself: it shut down and released the data folder.
    expect(existsSync(join(dataDir, 'vixiees.lock'))).toBe(false);
  });

  it('refuses clearly, without hanging, when another command holds the embedded database', () => {
    const dataDir = tempDataDir();
    // This test process stands in for another live CLI command holding the folder.
    writeFileSync(join(dataDir, 'vixiees.lock'), JSON.stringify({ pid: process.pid, role: 'cli' }));
    const r = cli(['workspace', 'create', '--name', 'Blocked'], { DATABASE_URL: '', VIXIEES_DATA_DIR: dataDir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('in use by process');
  });

  it('reaches a server listening on every interface through loopback', () => {
    expect(bridgeUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000/internal/cli');
    expect(bridgeUrl('::', 3000)).toBe('http://[::1]:3000/internal/cli');
    expect(bridgeUrl('::1', 3000)).toBe('http://[::1]:3000/internal/cli');
    expect(bridgeUrl('127.0.0.1', 41234)).toBe('http://127.0.0.1:41234/internal/cli');
    expect(bridgeUrl(undefined, 3000)).toBe('http://127.0.0.1:3000/internal/cli');
  });

  it('takes over a lock left by a process that died', () => {
    const dataDir = tempDataDir();
    // The pid of a process that has surely exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dataDir, 'vixiees.lock'), JSON.stringify({ pid: deadPid, role: 'server', port: 1, token: 'x' }));
    const r = cli(['workspace', 'create', '--name', 'After crash', '--json'], { DATABASE_URL: '', VIXIEES_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
  });
});
