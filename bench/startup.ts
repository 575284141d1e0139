import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * B7: `npm start` (workers on) to the first 200 from /readyz, in a child
 * process with its own data dir or database; the child is stopped by its pid afterwards.
 */
export async function timeStartup(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  // Its own process group, so stopping it stops npm, tsx and the server it started, and nothing else.
  const child = spawn('npm', ['start'], { env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${stderr.slice(0, 300)}`);
      if (performance.now() - t0 > 120_000) throw new Error('no /readyz within 120 s');
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    // The server releases the data dir lock on exit; give it a moment before the next start.
    await new Promise((r) => setTimeout(r, 300));
  }
}
