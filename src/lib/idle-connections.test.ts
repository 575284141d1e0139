import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { queryRows } from './db.ts';
import { inWorkspace } from './tenant-scope.ts';

/**
 * node-postgres closes a pooled connection after 10 s idle by default, and the next request then
 * pays a new backend with cold caches (0.24–0.30 s for a search at 1M, against 0.06–0.09 s). The pools keep theirs.
 */
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const backend = async () => (await inWorkspace(ws.id, () => queryRows<{ pid: number }>(t.database.db, sql`SELECT pg_backend_pid() AS pid`)))[0]!.pid;

describe('database connections', () => {
  it('outlive a pause longer than the driver default idle timeout', { timeout: 30_000 }, async () => {
    const before = await backend();
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    // One request at a time takes the most recently used connection: the same backend, still open.
    expect(await backend()).toBe(before);
  });
});
