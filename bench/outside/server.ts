import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export type ServerProcess = { base: string; startSeconds: number; stop(): Promise<void> };

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
    if (ok) return { base, startSeconds: (performance.now() - t0) / 1000, stop };
    await new Promise((r) => setTimeout(r, 20));
  }
}
