import { and, asc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { contactRowsInStageOrder, type ContactRow } from '../contacts/contact-rows.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { contactStageHistory, playbookStages, playbooks, type PlaybookRow, type StageHistoryRow, type StageRow } from './playbooks.tables.ts';
import { playbookStageCounts } from './stage-counts.tables.ts';

export async function findPlaybookRow(db: Db, workspaceId: string, id: string, lock = false): Promise<PlaybookRow | undefined> {
  const q = db.select().from(playbooks).where(and(eq(playbooks.workspaceId, workspaceId), eq(playbooks.id, id)));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function listPlaybookRows(db: Db, workspaceId: string, archived: 'true' | 'false' | 'all'): Promise<PlaybookRow[]> {
  const conditions = [eq(playbooks.workspaceId, workspaceId)];
  if (archived === 'true') conditions.push(isNotNull(playbooks.archivedAt));
  if (archived === 'false') conditions.push(isNull(playbooks.archivedAt));
  return db.select().from(playbooks).where(and(...conditions)).orderBy(asc(playbooks.position), asc(playbooks.id));
}

export async function insertPlaybookRow(db: Db, row: typeof playbooks.$inferInsert): Promise<PlaybookRow> {
  const [inserted] = await db.insert(playbooks).values(row).returning();
  return inserted!;
}

export async function updatePlaybookRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof playbooks.$inferInsert>): Promise<PlaybookRow> {
  const [row] = await db
    .update(playbooks)
    .set({ ...changes, version: sql`${playbooks.version} + 1` })
    .where(and(eq(playbooks.workspaceId, workspaceId), eq(playbooks.id, id)))
    .returning();
  return row!;
}

export async function nextPlaybookPosition(db: Db, workspaceId: string): Promise<number> {
  const [r] = await db.select({ n: sql<number>`coalesce(max(${playbooks.position}) + 1, 0)::int` }).from(playbooks).where(eq(playbooks.workspaceId, workspaceId));
  return Number(r?.n ?? 0);
}

export async function listStageRows(db: Db, workspaceId: string, playbookIds: string[]): Promise<StageRow[]> {
  if (playbookIds.length === 0) return [];
  return db
    .select()
    .from(playbookStages)
    .where(and(eq(playbookStages.workspaceId, workspaceId), inArray(playbookStages.playbookId, playbookIds)))
    .orderBy(asc(playbookStages.position), asc(playbookStages.id));
}

/** A playbook and its stages (in order) in one statement: the board's first read. */
export async function findPlaybookWithStages(db: Db, workspaceId: string, id: string): Promise<{ playbook: PlaybookRow; stages: StageRow[] } | undefined> {
  const rows = await db
    .select({ playbook: playbooks, stage: playbookStages })
    .from(playbooks)
    .leftJoin(playbookStages, and(eq(playbookStages.workspaceId, workspaceId), eq(playbookStages.playbookId, playbooks.id)))
    .where(and(eq(playbooks.workspaceId, workspaceId), eq(playbooks.id, id)))
    .orderBy(asc(playbookStages.position), asc(playbookStages.id));
  if (rows.length === 0) return undefined;
  return { playbook: rows[0]!.playbook, stages: rows.flatMap((r) => (r.stage ? [r.stage] : [])) };
}

/** `lock: 'share'` keeps the stage from being deleted while a contact moves into it. */
export async function findStageRow(db: Db, workspaceId: string, id: string, lock?: 'share' | 'update'): Promise<StageRow | undefined> {
  const q = db.select().from(playbookStages).where(and(eq(playbookStages.workspaceId, workspaceId), eq(playbookStages.id, id)));
  const rows = lock ? await q.for(lock === 'share' ? 'key share' : 'update') : await q;
  return rows[0];
}

export async function insertStageRow(db: Db, row: typeof playbookStages.$inferInsert): Promise<StageRow> {
  const [inserted] = await db.insert(playbookStages).values(row).returning();
  return inserted!;
}

export async function updateStageRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof playbookStages.$inferInsert>): Promise<StageRow> {
  const [row] = await db
    .update(playbookStages)
    .set({ ...changes, version: sql`${playbookStages.version} + 1` })
    .where(and(eq(playbookStages.workspaceId, workspaceId), eq(playbookStages.id, id)))
    .returning();
  return row!;
}

export async function deleteStageRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM playbook_stage_day_counts WHERE workspace_id = ${workspaceId} AND stage_id = ${id}`);
  await db.delete(playbookStageCounts).where(and(eq(playbookStageCounts.workspaceId, workspaceId), eq(playbookStageCounts.stageId, id)));
  await db.delete(playbookStages).where(and(eq(playbookStages.workspaceId, workspaceId), eq(playbookStages.id, id)));
}

export async function nextStagePosition(db: Db, workspaceId: string, playbookId: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`coalesce(max(${playbookStages.position}) + 1, 0)::int` })
    .from(playbookStages)
    .where(and(eq(playbookStages.workspaceId, workspaceId), eq(playbookStages.playbookId, playbookId)));
  return Number(r?.n ?? 0);
}

/** Stage id → name, for presenting a page of contacts with one query. */
export async function stageNamesByIds(db: Db, workspaceId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: playbookStages.id, name: playbookStages.name })
    .from(playbookStages)
    .where(and(eq(playbookStages.workspaceId, workspaceId), inArray(playbookStages.id, [...new Set(ids)])));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function insertStageHistory(db: Db, row: typeof contactStageHistory.$inferInsert): Promise<void> {
  await db.insert(contactStageHistory).values(row);
}

/** Many history rows in one statement (an import's batch of moves). */
export async function insertStageHistoryRows(db: Db, rows: (typeof contactStageHistory.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(contactStageHistory).values(rows);
}

export async function listStageHistory(db: Db, workspaceId: string, contactId: string): Promise<StageHistoryRow[]> {
  return db
    .select()
    .from(contactStageHistory)
    .where(and(eq(contactStageHistory.workspaceId, workspaceId), eq(contactStageHistory.contactId, contactId)))
    .orderBy(asc(contactStageHistory.changedAt), asc(contactStageHistory.id));
}

const DAY_MS = 86_400_000;

/**
 * A stage's stale cutoff as plain values: the instant `now - staleAfterDays` (whole 24 h days, as
 * the UTC session computed it before), its UTC day, and that day's start.
 */
export function staleCutoff(now: Date, staleAfterDays: number | null): { cutoff: string; day: string; dayStart: string } | null {
  if (staleAfterDays === null) return null;
  const cutoff = new Date(now.getTime() - staleAfterDays * DAY_MS);
  const day = cutoff.toISOString().slice(0, 10);
  return { cutoff: cutoff.toISOString(), day, dayStart: `${day}T00:00:00.000Z` };
}

/**
 * Live contacts per stage of a playbook, and how many entered before the stage's stale cutoff
 * (`now - staleAfterDays`). The count is the stage's running total (playbook_stage_counts, kept by
 * the contacts triggers, migration 1300); the stale count is that total minus the day rows
 * (playbook_stage_day_counts) from the cutoff's UTC day on, plus the cutoff's own day before the
 * cutoff, counted in the contacts_stage index. So a board reads one row per stage and about
 * `staleAfterDays` day rows, whatever the age of its contacts.
 *
 * The cutoffs are computed here and passed as timestamptz/date parameters, never as expressions
 * over the stage row: under row-level security only leakproof clauses may become index conditions
 * ahead of the policy, and make_interval / AT TIME ZONE / casts are not leakproof, so the
 * stage_entered_at range fell back to a Filter over the stage's whole index range (issue 12).
 * `stages` are the playbook's stage rows when the caller has them (the board does); otherwise they
 * are read first.
 */
export async function stageCounts(
  db: Db,
  workspaceId: string,
  playbookId: string,
  now: Date,
  stages?: StageForCounts[],
): Promise<Map<string, { count: number; stale: number }>> {
  const query = stageCountsSql(workspaceId, playbookId, now, stages ?? (await listStageRows(db, workspaceId, [playbookId])));
  if (!query) return new Map();
  const rows = await queryRows<{ stage_id: string; n: number; stale: number }>(db, query);
  return new Map(rows.map((r) => [r.stage_id, { count: Number(r.n), stale: Number(r.stale) }]));
}

type StageForCounts = Pick<StageRow, 'id' | 'playbookId' | 'staleAfterDays'>;

/** The statement of `stageCounts` (exported for the plan test), or null for a playbook without stages. */
export function stageCountsSql(workspaceId: string, playbookId: string, now: Date, stages: StageForCounts[]): SQL | null {
  const mine = stages.filter((s) => s.playbookId === playbookId);
  if (mine.length === 0) return null;
  const values = mine.map((s) => {
    const c = staleCutoff(now, s.staleAfterDays);
    return sql`(${s.id}::uuid, ${c?.cutoff ?? null}::timestamptz, ${c?.day ?? null}::date, ${c?.dayStart ?? null}::timestamptz)`;
  });
  return sql`SELECT st.id AS stage_id, coalesce(t.n, 0)::int AS n,
          (CASE WHEN st.cutoff IS NULL THEN 0 ELSE
            coalesce(t.n, 0)
            - (SELECT coalesce(sum(d.n), 0) FROM playbook_stage_day_counts d
              WHERE d.workspace_id = ${workspaceId} AND d.playbook_id = ${playbookId} AND d.stage_id = st.id
                AND d.day >= st.cutoff_day)
            + (SELECT count(*) FROM contacts c
              WHERE c.workspace_id = ${workspaceId} AND c.stage_id = st.id AND c.deleted_at IS NULL
                AND c.stage_entered_at >= st.day_start
                AND c.stage_entered_at < st.cutoff) END)::int AS stale
        FROM (VALUES ${sql.join(values, sql`, `)}) AS st (id, cutoff, cutoff_day, day_start)
        LEFT JOIN playbook_stage_counts t ON t.workspace_id = ${workspaceId} AND t.playbook_id = ${playbookId} AND t.stage_id = st.id`;
}

/**
 * The first contacts of every column of a board in one round trip: a LATERAL walk of the
 * contacts_stage index per stage picks the ids, then one primary-key fetch. Longest in stage
 * first, or most recent arrivals first.
 */
export async function boardColumnRows(db: Db, workspaceId: string, playbookId: string, sort: 'longest' | 'recent', limit: number): Promise<ContactRow[]> {
  const dir = sort === 'longest' ? sql`ASC` : sql`DESC`;
  const picked = sql`SELECT c.id FROM playbook_stages s CROSS JOIN LATERAL (
      SELECT c.id FROM contacts c
      WHERE c.workspace_id = s.workspace_id AND c.stage_id = s.id AND c.deleted_at IS NULL
      ORDER BY c.stage_entered_at ${dir}, c.id ${dir} LIMIT ${limit}) c
    WHERE s.workspace_id = ${workspaceId} AND s.playbook_id = ${playbookId}`;
  return contactRowsInStageOrder(db, workspaceId, picked, sort);
}
