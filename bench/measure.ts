/** Latency percentiles of `fn` over `n` runs after `warm` unmeasured ones. */
export async function timeMany(n: number, warm: number, fn: (i: number) => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < warm; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return stats(ms);
}

export type Stats = { n: number; p50: number; p95: number; p99: number; mean: number };

export function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

/** One line of the result table. `limit` is the measured comparison (direct SQL, bare loop…). */
export type Row = {
  id: string; case: string; value: string; p95?: number; p99?: number; limitName?: string; limitP95?: number; ratio?: number; target: string; ok?: boolean; note?: string;
};

const f = (x: number | undefined, d = 2) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(d));

export function table(rows: Row[]): string {
  const head = '| # | case | result | p95 ms | p99 ms | limit (same run) | ratio | target | meets |';
  const sep = '|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) =>
    `| ${r.id} | ${r.case} | ${r.value} | ${f(r.p95)} | ${f(r.p99)} | ${r.limitName ? `${r.limitName} ${f(r.limitP95)}` : ''} | ${f(r.ratio)} | ${r.target} | ${r.ok === undefined ? (r.note ?? '') : r.ok ? 'yes' : `**no**${r.note ? ` (${r.note})` : ''}`} |`);
  return [head, sep, ...lines].join('\n');
}
