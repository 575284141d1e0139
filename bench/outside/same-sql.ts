import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { stats, type Stats } from '../measure.ts';

// node-postgres' own conversion of a parameter to text (not in its typings).
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(v: unknown): unknown };

type Statement = { text: string; values: unknown[] };

/**
 * Records every statement node-postgres sends while `fn` runs: the SQL a request really runs
 * (its transaction, the workspace setting and every query), not a hand-picked one. Must be
 * installed before the database is opened (the tenant pool binds `query` per connection).
 */
let recording: Statement[] | undefined;
export function installRecorder(): void {
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (recording) {
      const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown];
      const text = typeof config === 'string' ? config : config.text;
      recording.push({ text, values: Array.isArray(values) ? values : (typeof config === 'object' && config.values) || [] });
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
}

export async function recordSql(fn: () => Promise<unknown>): Promise<Statement[]> {
  recording = [];
  try {
    await fn();
    return recording;
  } finally {
    recording = undefined;
  }
}

/** An untyped literal (resolved from context as a parameter is); `:` escaped so pgbench sees no variable. */
function literal(value: unknown): string {
  const v = prepareValue(value) as string | null;
  if (v === null) return 'NULL';
  return `E'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/:/g, '\\x3a')}'`;
}

/** The statements as a pgbench script: parameters inlined, `BEGIN; SELECT …` split in two. */
export function pgbenchScript(statements: Statement[]): string {
  const out: string[] = [];
  for (const s of statements) {
    const sql = s.values.length ? s.text.replace(/\$(\d+)/g, (_, n: string) => literal(s.values[Number(n) - 1])) : s.text;
    for (const part of s.values.length ? [sql] : sql.split(/;\s*/)) if (part.trim()) out.push(`${part.trim()};`);
  }
  return out.join('\n') + '\n';
}

/**
 * The request's SQL, prepared (`-M prepared`), one client, `n` transactions, timed by pgbench in
 * PostgreSQL, as the app's role in the request's workspace (the tenant pool's `SET ROLE` and the
 * workspace its connection holds, here connection options: a pooled connection that already held
 * the workspace sent no `set_config` for the recorder to see, and without it row-level security
 * would show the statement no rows at all).
 */
export function pgbenchTimes(databaseUrl: string, statements: Statement[], n: number, as: { role: string; workspaceId: string }, mode: 'prepared' | 'extended' = 'prepared'): Stats {
  const dir = mkdtempSync(join(tmpdir(), 'vixiees-pgbench-'));
  try {
    const file = join(dir, 'request.sql');
    writeFileSync(file, pgbenchScript(statements));
    const r = spawnSync('pgbench', ['-n', '-M', mode, '-c', '1', '-t', String(n), '-f', file, '-l', `--log-prefix=${join(dir, 'log')}`, databaseUrl], {
      env: { ...process.env, PGOPTIONS: `-c role=${as.role} -c app.workspace_id=${as.workspaceId}` },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`pgbench failed: ${r.stderr.slice(0, 400)}`);
    const log = readdirSync(dir).find((f) => f.startsWith('log'));
    const ms = readFileSync(join(dir, log!), 'utf8').trim().split('\n').map((line) => Number(line.split(' ')[2]) / 1000);
    // The first tenth warms the plans and the cache.
    return stats(ms.slice(Math.floor(ms.length / 10)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
