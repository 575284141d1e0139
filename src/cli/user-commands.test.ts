import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vixiees.js');
const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-users-'));
const url = inject('testDatabaseUrl');
/** On PostgreSQL the CLI connects directly; on the embedded database it runs through the server's bridge. */
const env = url ? { DATABASE_URL: url } : { DATABASE_URL: '', VIXIEES_DATA_DIR: dataDir };
let server: ChildProcess;
let base = '';

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function signIn(email: string, password: string) {
  const res = await fetch(`${base}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return { status: res.status, body: await res.json(), cookie: res.headers.get('set-cookie') };
}

beforeAll(async () => {
  server = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'info', WORKERS: 'off' }, stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 180_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      const m = /"address":"(http:\/\/[^"]+)".*Vixiees is ready/.exec(chunk.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}, 200_000);
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vixiees user (CLI)', { timeout: 300_000 }, () => {
  it('creates the first owner with a password from stdin, who then signs in; set-password replaces it', async () => {
    const email = `owner-${Date.now()}@example.com`;
    const created = cli(['user', 'create', '--owner', '--email', email, '--name', 'Ana Dueña', '--workspace-name', 'Acme Ventas', '--password-stdin', '--json'], 'la contraseña de ana\n');
    expect(created.code, created.stderr).toBe(0);
    const out = JSON.parse(created.stdout);
    expect(out).toMatchObject({ email, workspaceId: expect.any(String), userId: expect.any(String), apiKey: expect.stringMatching(/^vx_live_/) });
    expect(created.stdout).not.toContain('la contraseña de ana');

    const r = await signIn(email, 'la contraseña de ana');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.user).toMatchObject({ id: out.userId, role: 'owner', name: 'Ana Dueña' });
    expect(r.body.workspace).toMatchObject({ id: out.workspaceId, name: 'Acme Ventas' });
    expect(r.cookie).toMatch(/^__Host-vixiees_session=/);

    const set = cli(['user', 'set-password', '--workspace', out.workspaceId, '--email', email, '--password-stdin'], 'otra contraseña larga\n');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('1 session(s) ended');
    expect((await signIn(email, 'la contraseña de ana')).status).toBe(401);
    expect((await signIn(email, 'otra contraseña larga')).status).toBe(200);

    const weak = cli(['user', 'set-password', '--workspace', out.workspaceId, '--email', email, '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('too_short');
  });

  it('without a password, adds an owner to an existing workspace and prints a one-time invite link', async () => {
    const ws = JSON.parse(cli(['workspace', 'create', '--name', 'Existing', '--json']).stdout);
    const email = `second-${Date.now()}@example.com`;
    const created = cli(['user', 'create', '--owner', '--email', email, '--name', 'Beto', '--workspace', ws.workspaceId]);
    expect(created.code, created.stderr).toBe(0);
    const link = /\/invite#token=([A-Za-z0-9_-]{43})/.exec(created.stdout);
    expect(link).not.toBeNull();
    const accept = await fetch(`${base}/v1/auth/accept-invite`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link![1], password: 'beto elige su clave' }) });
    expect(accept.status).toBe(200);
    expect((await accept.json()).workspace.id).toBe(ws.workspaceId);
    expect((await signIn(email, 'beto elige su clave')).status).toBe(200);

    expect(cli(['user', 'create', '--email', email, '--name', 'x']).code).toBe(2);
    expect(cli(['user', 'set-password', '--workspace', ws.workspaceId, '--email', email]).code).toBe(2);
  });
});
