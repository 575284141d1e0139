import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
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

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, release?: (err?: Error | boolean) => void) => void;

/**
 * A pool whose every checkout is set to the ordinary role and the current workspace before it is
 * handed out. `pg` runs plain queries through `connect()` too, so transactions and single
 * statements alike run scoped. Session-level settings are right here: each checkout sets them
 * again, so nothing carries over from the connection's previous user.
 */
export class TenantPool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly role: string | null,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const scoped = super.connect().then(async (client) => {
      try {
        await (this.role
          ? client.query(`SELECT set_config('role', $1, false), set_config('app.workspace_id', $2, false)`, [this.role, workspaceSetting()])
          : client.query(`SELECT set_config('app.workspace_id', $1, false)`, [workspaceSetting()]));
        return client;
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
    });
    if (!callback) return scoped;
    scoped.then(
      (client) => callback(undefined, client, (err) => client.release(err)),
      (err: Error) => callback(err),
    );
  }
}
