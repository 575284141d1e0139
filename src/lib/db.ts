import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { retryTransactions } from './transaction-retry.ts';
import { APP_ROLE, TenantPool, tenantPgliteClient } from './tenant-connection.ts';
import { currentTransaction } from './tenant-scope.ts';
import type { Db } from './db-types.ts';

/** The database handle repositories take (defined in db-types.ts; every feature imports it from here). */
export type { Db };

/** Raw SQL runner for migrations and pg-boss: `params` absent means a multi-statement script. */
export type RawSql = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export type Database = {
  kind: 'pglite' | 'postgres';
  /** Tenant work: every query runs for the workspace of the current tenant scope (row-level security). */
  db: Db;
  /**
   * Work across workspaces, on purpose: housekeeping, the outbox relay, finding an API key by its
   * hash, test assertions. Bypasses row-level security; never hand it to a request's service.
   */
  systemDb: Db;
  raw: RawSql;
  /** Runs `fn` on one connection (session-level locks, multi-statement scripts). */
  session<T>(fn: (raw: RawSql) => Promise<T>): Promise<T>;
  /** The embedded instance, when embedded (tests dump and reload a migrated data dir). */
  pglite?: PGlite;
  close(): Promise<void>;
};

export type OpenOptions = {
  databaseUrl?: string;
  dataDir?: string;
  inMemory?: boolean;
  loadDataDir?: Blob;
  /**
   * false runs tenant work as the owner role, so row-level security does not apply: only for a
   * test proving that the application's own workspace conditions keep tenants apart.
   */
  rowLevelSecurity?: boolean;
};

/**
 * Tenant queries join the transaction of the current scope when there is one (an idempotent
 * request runs whole in one), so the business change and its stored response commit together.
 */
function joiningScopeTransaction(db: Db): Db {
  return new Proxy(db, {
    get(target, prop) {
      const on = currentTransaction() ?? target;
      const value = Reflect.get(on, prop, on) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(on) : value;
    },
  });
}

/** Opens PGlite (embedded, data in a folder) or a PostgreSQL pool when a URL is given. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const role = opts.rowLevelSecurity === false ? null : APP_ROLE;
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, role);
  return openPglite(opts, role);
}

async function openPglite(opts: OpenOptions, role: string | null): Promise<Database> {
  const dataDir = opts.inMemory ? undefined : (opts.dataDir ?? './data');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    dataDir,
    extensions: { pg_trgm, btree_gin },
    loadDataDir: opts.loadDataDir,
  });
  const raw: RawSql = async (text, params) => {
    if (params === undefined) {
      // exec() is PGlite's multi-statement entry point; query() accepts one statement only.
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
    }
    const r = await client.query(text, params);
    return { rows: r.rows as Record<string, unknown>[] };
  };
  return {
    kind: 'pglite',
    db: joiningScopeTransaction(drizzlePglite(tenantPgliteClient(client, role)) as unknown as Db),
    systemDb: drizzlePglite(client) as unknown as Db,
    raw,
    session: (fn) => fn(raw),
    pglite: client,
    close: () => client.close(),
  };
}

async function openPostgres(url: string, role: string | null): Promise<Database> {
  const config: pg.PoolConfig = {
    connectionString: url,
    // A transaction left open by a crashed request must not hold locks forever.
    idle_in_transaction_session_timeout: 30_000,
    statement_timeout: 30_000,
    // Connections stay open while idle (node-postgres closes them after 10 s by default). A new
    // backend starts with cold caches: at 1M, a search after a 12 s pause took 0.24–0.30 s on a
    // new connection against 0.06–0.09 s on a kept one (a list page 0.08 s against 0.03 s), so a
    // seller who paused for ten seconds waited for it.
    // Both pools are small and bounded, so keeping them costs the server a few idle backends.
    idleTimeoutMillis: 0,
    // An idle connection that a network device dropped silently is found by TCP keepalive,
    // not by the next request hanging on it.
    keepAlive: true,
  };
  // Two pools: tenant work as the ordinary role with its workspace set at every checkout, and a
  // small one for migrations, housekeeping and other deliberate work across workspaces.
  const tenantPool = new TenantPool({ ...config, max: 10 }, role);
  const pool = new pg.Pool({ ...config, max: 4 });
  for (const p of [pool, tenantPool]) {
    // A server restart kills idle connections: without a listener the pool's 'error' event would
    // crash the process. The pool drops the dead client and opens a new one on the next query.
    p.on('error', (err) => process.emitWarning(`idle PostgreSQL connection lost: ${err.message}`));
  }
  // Surface a wrong URL at start, not at the first request.
  const probe = await pool.connect();
  probe.release();
  const runOn =
    (q: pg.Pool | pg.PoolClient): RawSql =>
    async (text, params) => {
      const r: pg.QueryResult | pg.QueryResult[] = await q.query(text, params as unknown[] | undefined);
      const last = Array.isArray(r) ? r.at(-1) : r;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    };
  const raw = runOn(pool);
  return {
    kind: 'postgres',
    // Only a server has concurrent transactions that can deadlock; PGlite runs them one at a time.
    db: joiningScopeTransaction(retryTransactions(drizzlePg(tenantPool) as unknown as Db)),
    systemDb: retryTransactions(drizzlePg(pool) as unknown as Db),
    raw,
    session: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn(runOn(client));
      } finally {
        client.release();
      }
    },
    close: async () => {
      await Promise.all([tenantPool.end(), pool.end()]);
    },
  };
}

/** Runs a raw `sql` query through Drizzle (either driver) and returns its rows. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
