import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * CPU seconds (user + system) spent so far by the processes of a process group (Linux /proc;
 * 0 elsewhere): npm and the node it started, and on the embedded database the database itself.
 * The load generator's own CPU is not in it.
 */
export function groupCpuSeconds(group: number): number {
  let ticks = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  for (const pid of entries) {
    try {
      // Fields after the command's closing parenthesis: state is field 3, pgrp 5, utime 14, stime 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === group) ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux.
}

export type ServerProcess = { base: string; startSeconds: number; stop(): Promise<void>; cpuSeconds(): number };

/**
 * The real server as a separate process (`npm start` unless told otherwise), in its own process
 * group so stopping it stops npm and the node it started, and nothing else. Its log goes to
 * /dev/null: writing it is part of the server's cost, reading it is not part of the bench's.
 */
export async function startServer(command: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const t0 = performance.now();
  const [cmd, ...args] = command.split(' ');
  const child: ChildProcess = spawn(cmd!, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}, ${command}): ${stderr.slice(0, 500)}`);
    if (performance.now() - t0 > 120_000) {
      await stop();
      throw new Error('no /readyz within 120 s');
    }
    const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return { base, startSeconds: (performance.now() - t0) / 1000, stop, cpuSeconds: () => groupCpuSeconds(child.pid!) };
    await new Promise((r) => setTimeout(r, 20));
  }
}
