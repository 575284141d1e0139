import { sql } from 'drizzle-orm';
import { queryRows } from '../src/lib/db.ts';
import { jobHandlers } from '../src/workers.ts';
import type { TestApp } from './harness.ts';

/**
 * Runs one workspace's pending jobs of a topic as the worker would, each once (`ran` remembers
 * them across calls). On PostgreSQL the test files share one outbox: another file's jobs are not
 * ours to run, so only this workspace's are taken. `concurrently` starts them all at once (two
 * workers racing); `ignoreErrors` lets a failing job (the queue would retry it) not stop the rest.
 */
export async function drainWorkspaceJobs(
  t: TestApp,
  workspaceId: string,
  ran: Set<string>,
  opts: { topic?: string; concurrently?: boolean; ignoreErrors?: boolean } = {},
): Promise<void> {
  const rows = await queryRows<{ id: string; topic: string; payload: Record<string, unknown> & { workspaceId: string } }>(
    t.database.systemDb,
    sql`SELECT id, topic, payload FROM outbox WHERE topic = ${opts.topic ?? 'integration.events'} AND workspace_id = ${workspaceId} ORDER BY id`,
  );
  const todo = rows.filter((r) => !ran.has(r.id));
  for (const r of todo) ran.add(r.id);
  const run = async (r: (typeof rows)[number]) => {
    const job = jobHandlers(t.deps)[r.topic]!.run(r.payload, { id: r.id, retryCount: 0, lastAttempt: false });
    await (opts.ignoreErrors ? job.catch(() => undefined) : job);
  };
  if (opts.concurrently) await Promise.all(todo.map(run));
  else for (const r of todo) await run(r);
}
