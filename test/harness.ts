import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import { makeDeps, type Deps } from '../src/deps.ts';
import { systemClock, type Clock } from '../src/lib/clock.ts';
import { openDatabase, type Database } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';

export const backend = (): 'postgres' | 'pglite' => (inject('testDatabaseUrl') ? 'postgres' : 'pglite');

/** A migrated database for one test file: the run's PostgreSQL database, or a fresh PGlite. */
export async function openTestDatabase(opts: { rowLevelSecurity?: boolean } = {}): Promise<Database> {
  const url = inject('testDatabaseUrl');
  if (url) return openDatabase({ databaseUrl: url, rowLevelSecurity: opts.rowLevelSecurity });
  const dumpPath = inject('pgliteDumpPath');
  const database = await openDatabase({
    inMemory: true,
    loadDataDir: dumpPath ? new Blob([readFileSync(dumpPath)]) : undefined,
    rowLevelSecurity: opts.rowLevelSecurity,
  });
  // Picks up a migration added since the dump (and proves re-running is a no-op).
  await migrate(database);
  return database;
}

/** On PostgreSQL, a fresh database beside the run's (undefined on PGlite). */
async function scratchTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const url = inject('testDatabaseUrl');
  if (!url) return undefined;
  const server = new URL(url);
  server.pathname = '/postgres';
  return createScratchDatabase(server.toString(), 'vixiees_file');
}

/** Files a test app writes (documents, import uploads) go under the system's temp folder, one per test process. */
const TEST_DATA_DIR = join(tmpdir(), `vixiees-test-data-${process.pid}`);

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  port: 0,
  host: '127.0.0.1',
  databaseUrl: inject('testDatabaseUrl') ?? undefined,
  dataDir: TEST_DATA_DIR,
  logLevel: 'silent',
  bodyLimitBytes: 1024 * 1024,
  workers: false,
  // Every response a test sees was checked against its schema (production skips the check).
  validateResponses: true,
  ...overrides,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
export type Response = { status: number; headers: Record<string, string | string[] | number | undefined>; body: any; text: string };

export type TestWorkspace = {
  id: string;
  ownerId: string;
  apiKey: string;
  apiKeyId: string;
  /** Sends a request as this workspace's owner API key. */
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Sends a request with another API key. */
  as(apiKey: string): TestWorkspace['req'];
};

export type TestApp = {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: Deps;
  database: Database;
  /** Creates a workspace with an owner and an owner API key. */
  workspace(opts?: { name?: string; defaultCountry?: string }): Promise<TestWorkspace>;
  close(): Promise<void>;
};

/** The real app over a real database, driven in process through `app.inject`. */
export async function startTestApp(
  opts: {
    clock?: Clock;
    config?: Partial<Config>;
    /**
     * false: the app's own queries run as the owner role, with row-level security out of the way,
     * so a test can prove the application's workspace conditions alone keep tenants apart.
     */
    rowLevelSecurity?: boolean;
    /**
     * A PostgreSQL database of this file's own (dropped on close), for a file that runs the real
     * workers: in the run's shared database they would take every other file's jobs. PGlite is
     * per file already.
     */
    ownDatabase?: boolean;
  } = {},
): Promise<TestApp> {
  const scratch = opts.ownDatabase ? await scratchTestDatabase() : undefined;
  const database = scratch
    ? await openDatabase({ databaseUrl: scratch.url, rowLevelSecurity: opts.rowLevelSecurity })
    : await openTestDatabase({ rowLevelSecurity: opts.rowLevelSecurity });
  if (scratch) await migrate(database);
  const deps = await makeDeps(testConfig({ ...(scratch ? { databaseUrl: scratch.url } : {}), ...opts.config }), database, opts.clock ?? systemClock);
  const app = await buildApp(deps, { logger: false });
  const send = (apiKey: string | null) => async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers as Response["headers"], body: parsed, text: res.body };
  };
  let n = 0;
  return {
    app,
    deps,
    database,
    async workspace(o = {}) {
      n++;
      const r = await deps.services.workspaces.create({ name: o.name ?? `Workspace ${n}`, defaultCountry: o.defaultCountry ?? 'ES' });
      return { id: r.workspace.id, ownerId: r.owner.id, apiKey: r.apiKey.secret, apiKeyId: r.apiKey.id, req: send(r.apiKey.secret), as: (k) => send(k) };
    },
    async close() {
      await app.close();
      await database.close();
      await scratch?.drop();
    },
  };
}

/** An unauthenticated request. */
export async function anonymous(t: TestApp, method: string, url: string, body?: unknown) {
  const res = await t.app.inject({ method: method as 'GET', url, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: res.statusCode, headers: res.headers, body: res.body ? JSON.parse(res.body) : undefined };
}
