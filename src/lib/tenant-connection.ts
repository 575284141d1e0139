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

/** The workspace id is inlined only after it matched the UUID pattern (or is ''). */
const setWorkspace = (workspace: string, local: boolean) => `SELECT set_config('app.workspace_id', '${workspace}', ${local})`;
const BEGIN = /^(begin|start\s+transaction)\b/i;
/** Statements after which the session setting is not known for sure (a rollback undoes a SET made inside the transaction). */
const UNSURE = /^(rollback|abort|reset|discard)\b/i;

/**
 * A pool for tenant work. Each physical connection switches once to the ordinary role (a role is
 * not tenant context, so it may stay for the connection's life), and carries the workspace of the
 * request that uses it as a **session** setting, remembered per connection, so a read is one round
 * trip: the statement alone while the connection already holds the caller's workspace, one
 * `set_config` before it when it holds another (before this, every statement outside a transaction
 * was `BEGIN; set_config(…, true)`, the statement and `COMMIT`: three round trips).
 *
 * Why this cannot carry one request's workspace into another's:
 * - Before **every** statement sent outside a transaction (the connection idle), the connection's
 *   remembered workspace is compared with the caller's scope (`''`, no rows, outside any) and set
 *   first when they differ. Nothing runs on the connection between that check and the statement:
 *   a checked-out connection belongs to one caller, who awaits each statement.
 * - A transaction still sets the workspace with `is_local = true` in the `BEGIN` round trip, as
 *   before: inside it, that value rules whatever the session holds, and it ends at COMMIT.
 * - The session value is set only while the connection is idle (never inside a transaction a
 *   ROLLBACK could undo); after an error, a ROLLBACK, RESET or DISCARD the remembered value is
 *   dropped, so the next statement sets it again. The first statement of a new connection sets it.
 * - Like the named prepared statements (`prepared-statements.ts`), this needs the physical
 *   connection to be ours for the session: PostgreSQL directly or PgBouncer in session mode, never
 *   in transaction mode.
 * `tenant-connection.test.ts` alternates two workspaces on a pool of one connection.
 */
export class TenantPool extends pg.Pool {
  private readonly prepared = new WeakSet<pg.PoolClient>();
  /** What each connection's session holds in `app.workspace_id`; absent: not known, set it. */
  private readonly sessionWorkspace = new WeakMap<pg.PoolClient, string>();

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
        (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => this.run(client, query, args);
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

  /** One statement on `client` in the caller's workspace (see the class comment). */
  private async run(client: pg.PoolClient, query: QueryFn, args: unknown[]): Promise<unknown> {
    const text = textOf(args[0]).trim();
    const workspace = workspaceSetting();
    // Every BEGIN on this connection also sets the workspace of the caller's scope, for the transaction.
    if (BEGIN.test(text)) return this.remembering(client, query(`${text}; ${setWorkspace(workspace, true)}`));
    const idle = (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus() === 'I';
    if (idle && this.sessionWorkspace.get(client) !== workspace) {
      this.sessionWorkspace.delete(client);
      await this.remembering(client, query(setWorkspace(workspace, false)));
      this.sessionWorkspace.set(client, workspace);
    }
    if (UNSURE.test(text)) this.sessionWorkspace.delete(client);
    return this.remembering(client, query(...args));
  }

  /** Forgets the connection's workspace when a statement fails: the next one sets it again. */
  private async remembering<T>(client: pg.PoolClient, statement: Promise<T>): Promise<T> {
    try {
      return await statement;
    } catch (err) {
      this.sessionWorkspace.delete(client);
      throw err;
    }
  }

  // Drizzle sends a statement outside a transaction through `pool.query`: one statement on a
  // connection that holds the caller's workspace (its own implicit transaction).
  override query(...args: unknown[]): never {
    return (async () => {
      const client = await this.connect();
      try {
        return await (client.query as unknown as QueryFn)(...args);
      } finally {
        client.release();
      }
    })() as never;
  }
}
