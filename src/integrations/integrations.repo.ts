import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { integrationEvents, integrations, type EventStatus, type IntegrationEventRow, type IntegrationRow } from './integrations.tables.ts';

const key = (workspaceId: string, id: string) => and(eq(integrations.workspaceId, workspaceId), eq(integrations.id, id));

export async function insertIntegration(db: Db, row: typeof integrations.$inferInsert): Promise<IntegrationRow> {
  const [inserted] = await db.insert(integrations).values(row).returning();
  return inserted!;
}

export async function findIntegration(db: Db, workspaceId: string, id: string, lock = false): Promise<IntegrationRow | undefined> {
  const q = db.select().from(integrations).where(key(workspaceId, id)).limit(1);
  return (lock ? await q.for('update') : await q)[0];
}

/** By id alone, across workspaces: the public webhook URL names only the integration (owner role). */
export async function findIntegrationAnywhere(systemDb: Db, id: string): Promise<IntegrationRow | undefined> {
  return (await systemDb.select().from(integrations).where(eq(integrations.id, id)).limit(1))[0];
}

export async function listIntegrations(db: Db, workspaceId: string, provider?: string): Promise<IntegrationRow[]> {
  const where = [eq(integrations.workspaceId, workspaceId)];
  if (provider) where.push(eq(integrations.provider, provider as 'whatsapp'));
  return db.select().from(integrations).where(and(...where)).orderBy(integrations.createdAt, integrations.id);
}

/** Every workspace's integrations of one provider (owner role: the mailbox poller works across workspaces). */
export async function listIntegrationsAnywhere(db: Db, provider: string): Promise<IntegrationRow[]> {
  return db.select().from(integrations).where(eq(integrations.provider, provider as 'whatsapp')).orderBy(integrations.id);
}

export async function updateIntegration(db: Db, workspaceId: string, id: string, changes: Partial<typeof integrations.$inferInsert>): Promise<IntegrationRow | undefined> {
  const [row] = await db.update(integrations).set({ ...changes, version: sql`${integrations.version} + 1` }).where(key(workspaceId, id)).returning();
  return row;
}

/** Status bookkeeping: not a change of the configuration, so no new version. */
export async function noteIntegrationError(db: Db, workspaceId: string, id: string, error: string | null, at: Date): Promise<void> {
  await db.update(integrations).set(error === null ? { lastError: null, lastErrorAt: null } : { lastError: error.slice(0, 1000), lastErrorAt: at }).where(key(workspaceId, id));
}

/** The integration and its event log (no foreign key ties them: see migration 1021). */
export async function deleteIntegration(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(integrationEvents).where(and(eq(integrationEvents.workspaceId, workspaceId), eq(integrationEvents.integrationId, id)));
  await db.delete(integrations).where(key(workspaceId, id));
}

/** The latest receipt per integration, for the status. */
export async function lastEventTimes(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: integrationEvents.integrationId, at: sql<string>`max(${integrationEvents.receivedAt})` })
    .from(integrationEvents)
    .where(and(eq(integrationEvents.workspaceId, workspaceId), inArray(integrationEvents.integrationId, ids)))
    .groupBy(integrationEvents.integrationId);
  return new Map(rows.map((r) => [r.id, new Date(r.at)]));
}

/** Stores events; one already stored under its key is left alone. Returns the rows stored now. */
export async function insertEvents(db: Db, rows: (typeof integrationEvents.$inferInsert)[]): Promise<{ id: string; status: EventStatus }[]> {
  if (rows.length === 0) return [];
  return db.insert(integrationEvents).values(rows).onConflictDoNothing().returning({ id: integrationEvents.id, status: integrationEvents.status });
}

export async function listEvents(db: Db, workspaceId: string, integrationId: string, status: EventStatus | undefined, limit: number): Promise<IntegrationEventRow[]> {
  const where = [eq(integrationEvents.workspaceId, workspaceId), eq(integrationEvents.integrationId, integrationId)];
  if (status) where.push(eq(integrationEvents.status, status));
  return db.select().from(integrationEvents).where(and(...where)).orderBy(desc(integrationEvents.receivedAt), desc(integrationEvents.id)).limit(limit);
}

export async function findEvent(db: Db, workspaceId: string, integrationId: string, id: string): Promise<IntegrationEventRow | undefined> {
  return (await db.select().from(integrationEvents).where(and(eq(integrationEvents.workspaceId, workspaceId), eq(integrationEvents.integrationId, integrationId), eq(integrationEvents.id, id))).limit(1))[0];
}

/**
 * The events of a job still to process, in the order received. Found by the primary key alone
 * (`id = ANY`), the rest checked here: with the integration and the order in the statement, the
 * planner could walk the integration's whole event log by `integration_events_recent` (it did,
 * on a table without statistics yet) and filter it down to the job's few ids.
 */
export async function pendingEvents(db: Db, workspaceId: string, integrationId: string, ids: string[]): Promise<IntegrationEventRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(integrationEvents)
    .where(and(eq(integrationEvents.workspaceId, workspaceId), sql`${integrationEvents.id} = ANY(${`{${ids.join(',')}}`}::uuid[])`));
  return rows
    .filter((e) => e.integrationId === integrationId && e.status !== 'processed')
    .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function setEventOutcome(db: Db, workspaceId: string, id: string, outcome: { status: EventStatus; reason: string | null; processedAt: Date | null }): Promise<void> {
  await db
    .update(integrationEvents)
    .set({ ...outcome, reason: outcome.reason?.slice(0, 1000) ?? null, attempts: sql`${integrationEvents.attempts} + 1` })
    .where(and(eq(integrationEvents.workspaceId, workspaceId), eq(integrationEvents.id, id)));
}

/**
 * The outcomes of many events in one statement (the batched path: inside its transaction). The
 * rows are found by their ids (`= ANY`, the primary key): joined on the record set alone the
 * planner, guessing 100 rows for it, hashed every event of the workspace instead.
 */
export async function setEventOutcomes(db: Db, workspaceId: string, outcomes: { id: string; status: EventStatus; reason: string | null }[], processedAt: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = JSON.stringify(outcomes.map((o) => ({ id: o.id, status: o.status, reason: o.reason?.slice(0, 1000) ?? null })));
  const ids = `{${outcomes.map((o) => o.id).join(',')}}`;
  await db.execute(sql`UPDATE integration_events e
    SET status = v.status, reason = v.reason, processed_at = ${processedAt.toISOString()}, attempts = e.attempts + 1
    FROM jsonb_to_recordset(${rows}::jsonb) AS v(id uuid, status text, reason text)
    WHERE e.workspace_id = ${workspaceId} AND e.id = ANY(${ids}::uuid[]) AND e.id = v.id`);
}

export async function resetEvent(db: Db, workspaceId: string, id: string): Promise<IntegrationEventRow | undefined> {
  const [row] = await db
    .update(integrationEvents)
    .set({ status: 'received', reason: null, processedAt: null })
    .where(and(eq(integrationEvents.workspaceId, workspaceId), eq(integrationEvents.id, id)))
    .returning();
  return row;
}
