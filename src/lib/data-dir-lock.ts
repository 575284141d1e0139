import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite allows one process per data folder. The process that opens it writes this lock; a
 * server adds its address and a token so the CLI can run commands through it instead.
 */
export type LockInfo = { pid: number; role: 'server' | 'cli'; host?: string; port?: number; token?: string };

const lockPath = (dataDir: string) => join(dataDir, 'vixiees.lock');

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The live holder of the folder, if any (a lock left by a dead process does not count). */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return isAlive(info.pid) && info.pid !== process.pid ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock or returns the live holder. `wx` makes two racing processes see each other. */
export function acquireLock(dataDir: string, info: Omit<LockInfo, 'pid'>): { ok: true; release(): void; update(i: Partial<LockInfo>): void } | { ok: false; holder: LockInfo } {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      let current: LockInfo = { ...info, pid: process.pid };
      writeSync(fd, JSON.stringify(current));
      closeSync(fd);
      return {
        ok: true,
        update(i) {
          current = { ...current, ...i };
          const f = openSync(path, 'w', 0o600);
          writeSync(f, JSON.stringify(current));
          closeSync(f);
        },
        release() {
          try {
            const onDisk = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
            if (onDisk.pid === process.pid) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(dataDir);
      if (holder) return { ok: false, holder };
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        /* raced with another remover */
      }
    }
  }
  const holder = readLock(dataDir);
  return holder ? { ok: false, holder } : { ok: false, holder: { pid: -1, role: 'cli' } };
}
