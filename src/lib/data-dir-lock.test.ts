import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, EXIT_LOCK_LOST, lockDirExists } from './data-dir-lock.ts';

const MODULE = join(import.meta.dirname, 'data-dir-lock.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vixiees-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A separate process that waits for `go`, tries the lock, says whether it won, and holds it until
// `done` appears (or for ever). Lock timings come from the environment.
const CHILD = `
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from ${JSON.stringify(MODULE)};
const dir = process.env.LOCK_DIR;
const wait = (f) => { while (!existsSync(join(dir, f))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2); };
process.stdout.write('ready\\n');
if (process.env.GO) wait(process.env.GO);
const r = acquireLock(dir, { role: 'server' }, { staleMs: Number(process.env.STALE_MS ?? 60000), updateMs: Number(process.env.UPDATE_MS ?? 5000) });
process.stdout.write(JSON.stringify(r.ok ? { won: true } : { won: false, holder: r.holder.pid }) + '\\n');
if (r.ok) {
  if (process.env.HOLD === 'forever') setInterval(() => {}, 1000);
  else {
    const t = setInterval(() => { if (existsSync(join(dir, 'done'))) { clearInterval(t); r.release(); } }, 5);
  }
}
`;

type Child = { proc: ChildProcess; lines: string[]; stderr: () => string; next(pred: (l: string) => boolean): Promise<string> };

function startChild(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: string[] = [];
  let err = '';
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.pred(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return {
    proc,
    lines,
    stderr: () => err,
    next(pred) {
      const seen = lines.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        proc.once('exit', (code) => reject(new Error(`child exited (${code}) before the line: ${err}`)));
      });
    },
  };
}

const exited = (c: Child) =>
  c.proc.exitCode !== null || c.proc.signalCode !== null ? Promise.resolve(c.proc.exitCode) : new Promise<number | null>((r) => c.proc.once('exit', (code) => r(code)));
const result = async (c: Child) => JSON.parse(await c.next((l) => l.startsWith('{'))) as { won: boolean; holder?: number };
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a crashed holder leaves: the lock directory and its record. */
function leaveCrashedLock(dir: string, pid: number, opts: { record: boolean; mtimeAgoMs: number }) {
  mkdirSync(join(dir, 'vixiees.lock.d'));
  if (opts.record) writeFileSync(join(dir, 'vixiees.lock'), JSON.stringify({ pid, role: 'server', hostname: hostname(), port: 1, token: 'x' }));
  const t = new Date(Date.now() - opts.mtimeAgoMs);
  utimesSync(join(dir, 'vixiees.lock.d'), t, t);
}

describe('the data-folder lock', { timeout: 300_000 }, () => {
  it('lets exactly one of several racing processes take a folder, fresh or left stale, every time', async () => {
    const ROUNDS = 12;
    const RACERS = 3;
    const kinds = ['fresh', 'dead holder', 'stale mtime, no record'] as const;
    let singleWinners = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tempDir();
      const kind = kinds[round % kinds.length]!;
      if (kind === 'dead holder') leaveCrashedLock(dir, deadPid(), { record: true, mtimeAgoMs: 0 });
      if (kind === 'stale mtime, no record') leaveCrashedLock(dir, 0, { record: false, mtimeAgoMs: 10_000 });
      const racers = Array.from({ length: RACERS }, () => startChild({ LOCK_DIR: dir, GO: 'go', STALE_MS: '3000' }));
      await Promise.all(racers.map((c) => c.next((l) => l === 'ready')));
      writeFileSync(join(dir, 'go'), '');
      const results = await Promise.all(racers.map(result));
      const winners = racers.filter((_, i) => results[i]!.won);
      expect(winners, `round ${round} (${kind})`).toHaveLength(1);
      // The losers were told who holds it.
      for (const r of results.filter((x) => !x.won)) expect(r.holder).toBe(winners[0]!.proc.pid);
      writeFileSync(join(dir, 'done'), '');
      await Promise.all(racers.map(exited));
      expect(lockDirExists(dir)).toBe(false);
      expect(existsSync(join(dir, 'vixiees.lock'))).toBe(false);
      singleWinners++;
    }
    console.log(`data-dir-lock race: ${ROUNDS} rounds × ${RACERS} processes (fresh, dead holder, stale mtime), ${singleWinners} with exactly one winner`);
  });

  it('takes over at once a lock left by a holder killed with kill -9', async () => {
    const dir = tempDir();
    const holder = startChild({ LOCK_DIR: dir, HOLD: 'forever' });
    expect((await result(holder)).won).toBe(true);
    expect(acquireLock(dir, { role: 'cli' })).toMatchObject({ ok: false, holder: { pid: holder.proc.pid, role: 'server' } });
    holder.proc.kill('SIGKILL');
    await exited(holder);
    // It had no chance to clean up: the lock and its record are still there, with a fresh mtime.
    expect(lockDirExists(dir)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'vixiees.lock'), 'utf8')).pid).toBe(holder.proc.pid);
    const taken = acquireLock(dir, { role: 'cli' });
    expect(taken.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'vixiees.lock'), 'utf8')).pid).toBe(process.pid);
    if (taken.ok) taken.release();
    expect(lockDirExists(dir)).toBe(false);
  });

  it('never takes over a live holder: it refreshes the lock, and even frozen past the stale time it stays the holder', async () => {
    const dir = tempDir();
    const holder = startChild({ LOCK_DIR: dir, HOLD: 'forever', STALE_MS: '2000', UPDATE_MS: '1000' });
    expect((await result(holder)).won).toBe(true);
    const firstMtime = statSync(join(dir, 'vixiees.lock.d')).mtimeMs;
    let attempts = 0;
    // Until the holder has refreshed its lock's mtime at least twice (the stale time has passed).
    while (statSync(join(dir, 'vixiees.lock.d')).mtimeMs < firstMtime + 2000) {
      expect(acquireLock(dir, { role: 'cli' }, { staleMs: 2000 })).toMatchObject({ ok: false, holder: { pid: holder.proc.pid } });
      attempts++;
      await sleep(100);
    }
    expect(attempts).toBeGreaterThan(5);
    // Frozen (as in one long synchronous query): its mtime goes stale, yet its process lives.
    holder.proc.kill('SIGSTOP');
    const frozenAt = statSync(join(dir, 'vixiees.lock.d')).mtimeMs;
    while (Date.now() - statSync(join(dir, 'vixiees.lock.d')).mtimeMs < 3000) await sleep(200);
    expect(statSync(join(dir, 'vixiees.lock.d')).mtimeMs).toBe(frozenAt);
    expect(acquireLock(dir, { role: 'cli' }, { staleMs: 2000 })).toMatchObject({ ok: false, holder: { pid: holder.proc.pid } });
    holder.proc.kill('SIGCONT');
    // Woken, it keeps the lock (its mtime is still its own) and refreshes it again.
    while (statSync(join(dir, 'vixiees.lock.d')).mtimeMs === frozenAt) await sleep(100);
    expect(holder.proc.exitCode).toBe(null);
    holder.proc.kill('SIGKILL');
  });

  it('a holder whose lock is removed under it learns it lost the lock and stops', async () => {
    const dir = tempDir();
    const holder = startChild({ LOCK_DIR: dir, HOLD: 'forever', STALE_MS: '2000', UPDATE_MS: '1000' });
    expect((await result(holder)).won).toBe(true);
    rmdirSync(join(dir, 'vixiees.lock.d'));
    expect(await exited(holder)).toBe(EXIT_LOCK_LOST);
    expect(holder.stderr()).toContain('Lost the lock on the data folder');
  });

  it('is held by this process once, and given back whole', () => {
    const dir = tempDir();
    const first = acquireLock(dir, { role: 'server' });
    expect(first.ok).toBe(true);
    expect(acquireLock(dir, { role: 'cli' })).toMatchObject({ ok: false, holder: { pid: process.pid, role: 'server' } });
    if (first.ok) {
      first.update({ host: '127.0.0.1', port: 4321, token: 't' });
      expect(JSON.parse(readFileSync(join(dir, 'vixiees.lock'), 'utf8'))).toMatchObject({ pid: process.pid, role: 'server', port: 4321, token: 't' });
      first.release();
    }
    expect(lockDirExists(dir)).toBe(false);
    expect(existsSync(join(dir, 'vixiees.lock'))).toBe(false);
    const again = acquireLock(dir, { role: 'cli' });
    expect(again.ok).toBe(true);
    if (again.ok) again.release();
  });
});
