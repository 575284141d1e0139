import autocannon from 'autocannon';
import { stats, type Stats } from '../measure.ts';

/** `each`, when given, makes every request's own body and extra headers (e.g. a distinct signed webhook). */
export type Request = { method: 'GET' | 'POST'; path: string; body?: unknown; each?: () => { body: string; headers: Record<string, string> } };
/** `answered`: the 2xx answers of the warm-up and the run together (what a webhook bench checks against the rows stored). */
/** `cpuMs`: with `cpuSeconds`, the server's CPU milliseconds per request over every request sent, warm-up included. */
export type Driven = Stats & { perSecond: number; errors: number; answered: number; cpuMs?: number };

/**
 * `amount` requests with `inFlight` connections from autocannon in this process (never the
 * server's), after a warm-up of its own. Percentiles come from every response's own time (the
 * 'response' event), not autocannon's summary, which has no p95. `cpuSeconds` reads the server's
 * CPU time (`ServerProcess.cpuSeconds`), around both.
 */
export async function drive(base: string, apiKey: string | undefined, req: Request, inFlight: number, amount: number, cpuSeconds?: () => number): Promise<Driven> {
  const opts = {
    url: `${base}${req.path}`,
    method: req.method,
    headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(req.body ? { 'content-type': 'application/json' } : {}) },
    body: req.body ? JSON.stringify(req.body) : undefined,
    connections: inFlight,
    ...(req.each ? { requests: [{ setupRequest: (r: autocannon.Request) => { const one = req.each!(); return { ...r, body: one.body, headers: { ...r.headers, ...one.headers } }; } }] } : {}),
  };
  const once = (n: number) =>
    new Promise<{ ms: number[]; errors: number; seconds: number }>((resolve, reject) => {
      const ms: number[] = [];
      let errors = 0;
      const t0 = performance.now();
      // Up to the last answer, not to autocannon's callback: that comes on its next 1-second tick,
      // which capped any run shorter than a second near `n` req/s (the bare handler's 1,000-ish).
      let last = t0;
      const instance = autocannon({ ...opts, amount: n }, (err) => (err ? reject(err) : resolve({ ms, errors, seconds: (last - t0) / 1000 })));
      instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
        last = performance.now();
        ms.push(time);
        if (status >= 400) errors++;
      });
    });
  const cpu0 = cpuSeconds?.();
  const warm = await once(Math.max(50, Math.floor(amount / 10)));
  const run = await once(amount);
  const answered = warm.ms.length - warm.errors + run.ms.length - run.errors;
  const cpuMs = cpuSeconds && cpu0 !== undefined ? ((cpuSeconds() - cpu0) * 1000) / (warm.ms.length + run.ms.length) : undefined;
  return { ...stats(run.ms), perSecond: run.ms.length / run.seconds, errors: run.errors, answered, cpuMs };
}
