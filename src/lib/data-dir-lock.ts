import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lockSync } from 'proper-lockfile';

/**
 * PGlite allows one process per data folder. The process that opens it holds this lock; a
 * server adds its address and a token so the CLI can run commands through it instead.
 */
export type LockInfo = { pid: number; role: 'server' | 'cli'; host?: string; port?: number; token?: string };

/** What the holder writes beside the lock: who it is, and (a server) where it listens. */
type HolderRecord = LockInfo & { hostname?: string; startedAt?: string };

export type LockOptions = {
  /** A lock not refreshed for this long, whose holder cannot be checked, is stale (ms). */
  staleMs?: number;
  /** How often the holder refreshes the lock's mtime (ms). */
  updateMs?: number;
  /** Called when the lock was taken from us or removed while held (see `defaultOnCompromised`). */
  onCompromised?: (err: Error) => void;
};

export type HeldLock = { ok: true; release(): void; update(i: Partial<LockInfo>): void };
export type LockResult = HeldLock | { ok: false; holder: LockInfo };

// The lock itself is the directory (mkdir is atomic); the record is the file the CLI reads.
const recordPath = (dataDir: string) => join(dataDir, 'vixiees.lock');
const lockDir = (dataDir: string) => join(dataDir, 'vixiees.lock.d');
// Serialises every acquisition, so deciding a lock is stale and replacing it is one step.
const gateDir = (dataDir: string) => join(dataDir, 'vixiees.gate.d');

/** Exit code of a process that lost its data-folder lock while holding it. */
export const EXIT_LOCK_LOST = 75;

// 60 s: PGlite runs a query on the event loop, so a holder busy in a long migration or index
// build cannot refresh; it is still checked by pid first, the mtime only decides without one.
const DEFAULTS = { staleMs: 60_000, updateMs: 5_000 };
const GATE_STALE_MS = 2_000;

/** Data folders this process holds: a record with our own pid that is not in here is a past life. */
const heldHere = new Set<string>();

/**
 * The process's start time (Linux), so a pid reused by an unrelated process after a crash is not
 * taken for the holder. Undefined where /proc does not exist: the pid alone decides there.
 */
function startedAt(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readRecord(dataDir: string): HolderRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as HolderRecord;
    return Number.isInteger(r.pid) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the record's process still runs: 'unknown' when it lives on another machine. */
function recordLiveness(dataDir: string, r: HolderRecord): 'alive' | 'gone' | 'unknown' {
  if (r.hostname && r.hostname !== hostname()) return 'unknown';
  if (r.pid === process.pid) return heldHere.has(dataDir) ? 'alive' : 'gone';
  if (!isAlive(r.pid)) return 'gone';
  const now = startedAt(r.pid);
  return r.startedAt && now && now !== r.startedAt ? 'gone' : 'alive';
}

/** Written whole or not at all: a reader never sees half a record. */
function writeRecord(dataDir: string, record: HolderRecord): void {
  const tmp = `${recordPath(dataDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
  renameSync(tmp, recordPath(dataDir));
}

function removeOwnRecord(dataDir: string): void {
  try {
    if (readRecord(dataDir)?.pid === process.pid) unlinkSync(recordPath(dataDir));
  } catch {
    /* already gone */
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` holding the gate; a gate left by a process killed inside it goes stale in 2 s. */
function withGate<T>(dataDir: string, fn: () => T): T {
  const deadline = Date.now() + GATE_STALE_MS * 5;
  for (;;) {
    let release: (() => void) | undefined;
    try {
      release = lockSync(join(dataDir, 'vixiees.gate'), { lockfilePath: gateDir(dataDir), realpath: false, stale: GATE_STALE_MS, onCompromised: () => {} });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) throw err;
      sleepSync(5 + Math.random() * 20);
      continue;
    }
    try {
      return fn();
    } finally {
      release();
    }
  }
}

/**
 * Decides, inside the gate, whether the folder is held. A holder whose process runs is never
 * taken over, however old its lock's mtime (it may be busy in one long query); one whose process
 * is gone (`kill -9`, a crash, a container restart) is taken over at once; without a record we
 * can check, the mtime decides.
 */
function currentHolder(dataDir: string, staleMs: number): LockInfo | undefined {
  const record = readRecord(dataDir);
  let mtime: number | undefined;
  try {
    mtime = statSync(lockDir(dataDir)).mtimeMs;
  } catch {
    mtime = undefined;
  }
  const liveness = record ? recordLiveness(dataDir, record) : 'unknown';
  if (mtime === undefined) {
    // No lock directory: a record with a live process is a holder from before this lock existed.
    return record && liveness === 'alive' ? toInfo(record) : undefined;
  }
  if (liveness === 'alive') return toInfo(record!);
  if (liveness === 'unknown' && Date.now() - mtime < staleMs) return record ? toInfo(record) : { pid: -1, role: 'cli' };
  try {
    rmdirSync(lockDir(dataDir));
  } catch {
    /* gone already */
  }
  return undefined;
}

const toInfo = ({ pid, role, host, port, token }: HolderRecord): LockInfo => ({ pid, role, host, port, token });

/**
 * What a process that lost its lock does: stop at once, without closing the database (closing
 * writes, and another process may now hold the folder). Recovery replays the write-ahead log.
 */
export function defaultOnCompromised(err: Error): void {
  process.stderr.write(`Lost the lock on the data folder (${err.message}); stopping without writing to it.\n`);
  process.exit(EXIT_LOCK_LOST);
}

/**
 * Takes the data folder or returns its live holder. Acquisition is a mkdir (proper-lockfile),
 * serialised by a gate so two processes that both find a stale lock cannot both take it. While
 * held, the lock's mtime is refreshed; if it is removed or taken meanwhile, `onCompromised` runs.
 * The lock is released by `release()`, and on exit or a fatal signal.
 */
export function acquireLock(dataDir: string, info: Omit<LockInfo, 'pid'>, options: LockOptions = {}): LockResult {
  const { staleMs, updateMs } = { ...DEFAULTS, ...options };
  const onCompromised = options.onCompromised ?? defaultOnCompromised;
  mkdirSync(dataDir, { recursive: true });
  return withGate(dataDir, (): LockResult => {
    const holder = currentHolder(dataDir, staleMs);
    if (holder) return { ok: false, holder };
    let current: HolderRecord = { ...info, pid: process.pid, hostname: hostname(), startedAt: startedAt(process.pid) };
    let released = false;
    let unlock: () => void;
    try {
      unlock = lockSync(join(dataDir, 'vixiees.lock'), {
        lockfilePath: lockDir(dataDir),
        realpath: false,
        stale: staleMs,
        update: updateMs,
        onCompromised: (err) => {
          released = true;
          heldHere.delete(dataDir);
          onCompromised(err);
        },
      });
    } catch (err) {
      // Only a directory we could not remove (not ours to judge) gets here: report it held.
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return { ok: false, holder: { pid: -1, role: 'cli' } };
      throw err;
    }
    heldHere.add(dataDir);
    writeRecord(dataDir, current);
    // Runs before proper-lockfile's own exit hook removes the directory, so the record goes first.
    const onExit = () => removeOwnRecord(dataDir);
    process.on('exit', onExit);
    return {
      ok: true,
      update(i) {
        if (released) return;
        current = { ...current, ...i };
        writeRecord(dataDir, current);
      },
      release() {
        if (released) return;
        released = true;
        process.off('exit', onExit);
        heldHere.delete(dataDir);
        // Inside the gate, so no one sees the record gone while the lock still stands.
        const drop = () => {
          removeOwnRecord(dataDir);
          unlock();
        };
        try {
          withGate(dataDir, drop);
        } catch {
          drop();
        }
      },
    };
  });
}

/** Whether a lock directory exists in the folder (for tests and diagnostics). */
export const lockDirExists = (dataDir: string): boolean => existsSync(lockDir(dataDir));
