import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { preparingHotReads } from './prepared-statements.ts';
import { currentWorkspaceId } from './tenant-scope.ts';

/**
 * The ordinary role tenant work runs as. It owns nothing and cannot bypass row-level security,
 * so every tenant table shows it only the rows of `app.workspace_id`. Created by migration 0900.
 */
export const APP_ROLE = 'vixiees_app';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace to set in the database: '' (no rows) outside a tenant scope or for a malformed id. */
const workspaceSetting = (): string => {
  const id = currentWorkspaceId();
  return id && UUID_RE.test(id) ? id : '';
};

/**
 * PGlite has one connection, shared by everything in the process, so a session setting would
 * leak between requests. Each tenant statement therefore runs in a transaction that first sets
 * the role and workspace with `is_local = true`: they vanish at COMMIT, and PGlite's transaction
 * lock keeps other work from running in between. System work uses the client directly and stays
 * the (superuser) owner.
 */
export function tenantPgliteClient(client: PGlite, role: string | null): PGlite {
  const scope = (tx: Transaction) =>
    role
      ? tx.query(`SELECT set_config('role', $1, true), set_config('app.workspace_id', $2, true)`, [role, workspaceSetting()])
      : tx.query(`SELECT set_config('app.workspace_id', $1, true)`, [workspaceSetting()]);
  const query: PGlite['query'] = (text, params, options) =>
    client.transaction(async (tx) => {
      await scope(tx);
      return tx.query(text, params, options);
    });
  const transaction: PGlite['transaction'] = (fn) =>
    client.transaction(async (tx) => {
      await scope(tx);
      return fn(tx);
    });
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'transaction') return transaction;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

const textOf = (config: unknown): string =>
  typeof config === 'string' ? config : typeof config === 'object' && config !== null ? String((config as { text?: unknown }).text ?? '') : '';

/**
 * A pool for tenant work. Each physical connection switches once to the ordinary role (a role is
 * not tenant context, so it may stay for the connection's life), and the workspace is set inside
 * every transaction with `set_config(…, true)`: it ends with the transaction, so a pooled
 * connection (or PgBouncer in transaction mode) never carries one request's workspace into the
 * next. A transaction's `BEGIN` becomes `BEGIN; SELECT set_config(…)` in the same round trip; a
 * single statement outside a transaction is wrapped in one. The workspace id is inlined only
 * after it matched the UUID pattern.
 */
export class TenantPool extends pg.Pool {
  private readonly prepared = new WeakSet<pg.PoolClient>();

  constructor(
    config: pg.PoolConfig,
    private readonly role: string | null,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client?: pg.PoolClient, release?: (err?: Error | boolean) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client?: pg.PoolClient, release?: (err?: Error | boolean) => void) => void): Promise<pg.PoolClient> | void {
    const ready = super.connect().then(async (client) => {
      if (this.prepared.has(client)) return client;
      try {
        if (this.role) await client.query(`SET ROLE ${this.role}`);
        const query = preparingHotReads(client.query.bind(client) as QueryFn);
        // Every BEGIN on this connection also sets the workspace of the caller's scope.
        (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
          const text = textOf(args[0]).trim();
          if (/^begin\b/i.test(text)) return query(`${text}; SELECT set_config('app.workspace_id', '${workspaceSetting()}', true)`);
          return query(...args);
        };
        this.prepared.add(client);
        return client;
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
    });
    if (!callback) return ready;
    ready.then(
      (client) => callback(undefined, client, (err) => client.release(err)),
      (err: Error) => callback(err),
    );
  }

  // Drizzle sends a statement outside a transaction through `pool.query`: give it one.
  override query(...args: unknown[]): never {
    return (async () => {
      const client = await this.connect();
      try {
        await client.query('BEGIN');
        const result = await (client.query as unknown as QueryFn)(...args);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    })() as never;
  }
}
