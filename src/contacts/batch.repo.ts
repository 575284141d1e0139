import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';
import type { OutboxRow } from '../lib/jobs/outbox.ts';
import { contacts, type ContactRow, type IdentifierKind } from './contacts.tables.ts';

/**
 * Set-based statements of the batch writer: each takes a whole batch as one JSON parameter
 * (`jsonb_to_recordset`), so a batch of any size is one round trip per table, with no
 * parameter limit and no per-row statement.
 */

export type HeldIdentifier = { kind: IdentifierKind; value: string; contactId: string };

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;
const identifierRows = (ids: HeldIdentifier[]) => json(ids.map((i) => ({ kind: i.kind, value: i.value, contact_id: i.contactId })));

/**
 * Which contacts hold any of these identifiers (one query for the batch). Each distinct key is a
 * primary-key probe of its own (a correlated subquery is never made a join): as a join, the plan
 * cached while the workspace was small read all of the workspace's identifiers for every batch
 * (30–60 ms per 100 contacts at 10,000), and went on doing so as it grew.
 */
export async function findIdentifierHoldersOf(db: Db, workspaceId: string, ids: { kind: string; value: string }[]): Promise<HeldIdentifier[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ kind: IdentifierKind; value: string; contact_id: string | null }>(db, identifierHoldersQuery(workspaceId, ids));
  return rows.filter((r) => r.contact_id !== null).map((r) => ({ kind: r.kind, value: r.value, contactId: r.contact_id! }));
}

/** Every distinct key asked for, with its holder or NULL (exported for its plan test). */
export const identifierHoldersQuery = (workspaceId: string, ids: { kind: string; value: string }[]) =>
  sql`SELECT k.kind, k.value,
        (SELECT i.contact_id FROM contact_identifiers i WHERE i.workspace_id = ${workspaceId} AND i.kind = k.kind AND i.value = k.value) AS contact_id
      FROM (SELECT DISTINCT kind, value FROM jsonb_to_recordset(${json(ids)}) AS k(kind text, value text)) k`;

/** The rows of these contacts, locked for update in id order (one query; the same order in every batch). */
export async function lockContactRows(db: Db, workspaceId: string, ids: string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids)))
    .orderBy(contacts.id)
    .for('update');
}

/** The rows of these contacts, unlocked (batch read). */
export async function findContactRows(db: Db, workspaceId: string, ids: string[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids)));
}

export type NewContactRow = {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  whatsapp_user_id: string | null;
  company: string | null;
  additional_emails: string[];
  additional_phones: string[];
  owner_id: string | null;
  source: string;
  source_detail: string | null;
  external_ref_id: string | null;
  external_ref_url: string | null;
  consent_transactional_whatsapp: boolean;
  consent_transactional_email: boolean;
  consent_marketing_whatsapp: boolean;
  consent_marketing_email: boolean;
  custom_attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
};

const CONTACT_COLUMNS = `id uuid, first_name text, last_name text, email text, phone text, whatsapp_user_id text, company text,
  additional_emails text[], additional_phones text[], owner_id uuid, source text, source_detail text, external_ref_id text,
  external_ref_url text, consent_transactional_whatsapp boolean, consent_transactional_email boolean,
  consent_marketing_whatsapp boolean, consent_marketing_email boolean, custom_attributes jsonb, created_at timestamptz, updated_at timestamptz`;

const INSERT_LIST = `id, first_name, last_name, email, phone, whatsapp_user_id, company, additional_emails, additional_phones, owner_id,
  source, source_detail, external_ref_id, external_ref_url, consent_transactional_whatsapp, consent_transactional_email,
  consent_marketing_whatsapp, consent_marketing_email, custom_attributes, created_at, updated_at`;

/** Inserts new contacts (version 1), one statement. */
export async function insertContactRows(db: Db, workspaceId: string, rows: NewContactRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`INSERT INTO contacts (workspace_id, ${sql.raw(INSERT_LIST)})
    SELECT ${workspaceId}::uuid, ${sql.raw(INSERT_LIST)} FROM jsonb_to_recordset(${json(rows)}) AS v(${sql.raw(CONTACT_COLUMNS)})`);
}

/** Writes the new state of existing contacts and bumps their versions, one statement. */
export async function updateContactRows(db: Db, workspaceId: string, rows: Omit<NewContactRow, 'source' | 'source_detail' | 'created_at'>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`UPDATE contacts c SET
      first_name = v.first_name, last_name = v.last_name, email = v.email, phone = v.phone, whatsapp_user_id = v.whatsapp_user_id,
      company = v.company, additional_emails = v.additional_emails, additional_phones = v.additional_phones, owner_id = v.owner_id,
      external_ref_id = v.external_ref_id, external_ref_url = v.external_ref_url,
      consent_transactional_whatsapp = v.consent_transactional_whatsapp, consent_transactional_email = v.consent_transactional_email,
      consent_marketing_whatsapp = v.consent_marketing_whatsapp, consent_marketing_email = v.consent_marketing_email,
      custom_attributes = v.custom_attributes, updated_at = v.updated_at, version = c.version + 1
    FROM jsonb_to_recordset(${json(rows)}) AS v(${sql.raw(CONTACT_COLUMNS)})
    WHERE c.workspace_id = ${workspaceId} AND c.id = v.id`);
}

/** Removes contacts this batch created and then had to give up (an identifier taken meanwhile). */
export async function deleteContactRows(db: Db, workspaceId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids)));
}

/**
 * Claims the free identifiers and returns those claimed; a taken one is left to its holder. In
 * key order, so two batches claiming overlapping identifiers wait for each other in the same
 * order instead of deadlocking.
 */
export async function claimIdentifiers(db: Db, workspaceId: string, ids: HeldIdentifier[]): Promise<HeldIdentifier[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ kind: IdentifierKind; value: string; contact_id: string }>(
    db,
    sql`INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
        SELECT ${workspaceId}::uuid, kind, value, contact_id FROM jsonb_to_recordset(${identifierRows(ids)}) AS v(kind text, value text, contact_id uuid)
        ORDER BY kind, value
        ON CONFLICT DO NOTHING RETURNING kind, value, contact_id`,
  );
  return rows.map((r) => ({ kind: r.kind, value: r.value, contactId: r.contact_id }));
}

/** Releases these identifiers of these contacts (only where the given contact holds them). */
export async function releaseIdentifiers(db: Db, workspaceId: string, ids: HeldIdentifier[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`DELETE FROM contact_identifiers i USING jsonb_to_recordset(${identifierRows(ids)}) AS v(kind text, value text, contact_id uuid)
    WHERE i.workspace_id = ${workspaceId} AND i.kind = v.kind AND i.value = v.value AND i.contact_id = v.contact_id`);
}

export type ConsentRecordRow = { id: string; contact_id: string; consent: string; value: boolean; changed_at: string; actor_type: string; actor_id: string | null; source: string; proof: Record<string, unknown> | null };

export async function insertConsentRecords(db: Db, workspaceId: string, rows: ConsentRecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`INSERT INTO consent_records (workspace_id, id, contact_id, consent, value, changed_at, actor_type, actor_id, source, proof)
    SELECT ${workspaceId}::uuid, id, contact_id, consent, value, changed_at, actor_type, actor_id, source, proof
    FROM jsonb_to_recordset(${json(rows)}) AS v(id uuid, contact_id uuid, consent text, value boolean, changed_at timestamptz, actor_type text, actor_id text, source text, proof jsonb)`);
}

export type ContactEventRow = { id: string; contact_id: string; type: string; data: Record<string, unknown>; actor_type: string; actor_id: string | null; occurred_at: string };

export async function insertContactEvents(db: Db, workspaceId: string, rows: ContactEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`INSERT INTO contact_events (workspace_id, id, contact_id, type, data, actor_type, actor_id, occurred_at)
    SELECT ${workspaceId}::uuid, id, contact_id, type, data, actor_type, actor_id, occurred_at
    FROM jsonb_to_recordset(${json(rows)}) AS v(id uuid, contact_id uuid, type text, data jsonb, actor_type text, actor_id text, occurred_at timestamptz)`);
}

/**
 * A single create in one statement: the contact, its identifiers, its starting consents (one
 * `consent_starts` row), its event and its outbox row, as data-modifying CTEs. A taken identifier
 * either fails the statement with a unique violation, nothing written (`taken: 'fail'`, for an
 * autocommitted create), or is left unclaimed (`'skip'`): `claimed` below the number asked, and the
 * caller throws so its transaction rolls the whole statement back.
 */
export async function insertContactWithTrail(
  db: Db,
  workspaceId: string,
  taken: 'fail' | 'skip',
  input: { row: NewContactRow; identifiers: { kind: string; value: string }[]; consents: ConsentStart; event: ContactEventRow; outbox: OutboxRow },
): Promise<{ claimed: number; row: ContactRow }> {
  const { consents: start, event } = input;
  const [r] = await queryRows<{ claimed: number; row: Record<string, unknown> }>(
    db,
    sql`WITH c AS (
        INSERT INTO contacts (workspace_id, ${sql.raw(INSERT_LIST)})
        SELECT ${workspaceId}::uuid, ${sql.raw(INSERT_LIST)} FROM jsonb_to_recordset(${json([input.row])}) AS v(${sql.raw(CONTACT_COLUMNS)})
        RETURNING *
      ), ids AS (
        INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
        SELECT ${workspaceId}::uuid, kind, value, ${input.row.id}::uuid FROM jsonb_to_recordset(${json(input.identifiers)}) AS v(kind text, value text)
        ${taken === 'skip' ? sql`ON CONFLICT DO NOTHING` : sql``} RETURNING 1
      ), cons AS (
        INSERT INTO consent_starts (workspace_id, id, contact_id, ids, vals, explicit, changed_at, actor_type, actor_id, source)
        VALUES (${workspaceId}, ${start.ids[0]}, ${input.row.id}, ${pgArray(start.ids)}::uuid[], ${pgArray(start.vals)}::boolean[], ${pgArray(start.explicit)}::boolean[],
          ${event.occurred_at}::timestamptz, ${event.actor_type}, ${event.actor_id}, ${start.source})
      ), ev AS (
        INSERT INTO contact_events (workspace_id, id, contact_id, type, data, actor_type, actor_id, occurred_at)
        VALUES (${workspaceId}, ${event.id}, ${event.contact_id}, ${event.type}, ${JSON.stringify(event.data)}::jsonb, ${event.actor_type}, ${event.actor_id}, ${event.occurred_at}::timestamptz)
      ), ob AS (
        INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
        VALUES (${workspaceId}, ${input.outbox.id}, ${input.outbox.topic}, ${JSON.stringify({ ...input.outbox.payload, workspaceId })}::jsonb, ${input.outbox.created_at}::timestamptz)
      )
      SELECT (SELECT count(*) FROM ids)::int AS claimed, row_to_json(c.*) AS row FROM c`,
  );
  return { claimed: Number(r!.claimed), row: contactRowFromJson(r!.row) };
}

/** A created contact's starting consents, in `CREATED_CONSENTS` order: record ids, values, whether each was given. */
export type ConsentStart = { ids: string[]; vals: boolean[]; explicit: boolean[]; source: string };

/** A Postgres array literal of uuids or booleans (no quoting needed for either). */
const pgArray = (values: (string | boolean)[]) => `{${values.join(',')}}`;

const CONTACT_TABLE_COLUMNS = Object.entries(getTableColumns(contacts));

/** A `row_to_json` of a contacts row as Drizzle's ContactRow (timestamps as dates, version a number). */
function contactRowFromJson(json: Record<string, unknown>): ContactRow {
  const out: Record<string, unknown> = {};
  for (const [key, column] of CONTACT_TABLE_COLUMNS) {
    const value = json[column.name];
    out[key] = value === null || value === undefined ? (value ?? null) : column.columnType === 'PgTimestamp' ? new Date(String(value)) : key === 'version' ? Number(value) : value;
  }
  return out as ContactRow;
}

/** The trail of one created contact: its 4 consent values (in `CREATED_CONSENTS` order), whether each was given, and the ids to use. */
export type CreatedTrailRow = { contact_id: string; source: string; val: boolean[]; ex: boolean[]; cid: string[]; eid: string; oid: string };

/** Consent order of `CreatedTrailRow.val / ex / cid` and of `consent_starts`' arrays. */
export const CREATED_CONSENTS = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'] as const;

/**
 * Everything a created contact leaves besides its row, in one statement for the batch: its
 * starting consents (one `consent_starts` row, which the history shows as 4 records with
 * `{ reason: 'contact_created', explicit }` as proof), its `contact.created` event and its outbox
 * row, built in the database from one small JSON row per contact.
 */
export async function insertCreatedTrail(
  db: Db,
  workspaceId: string,
  trail: { at: string; actorType: string; actorId: string | null; rows: CreatedTrailRow[] },
): Promise<void> {
  if (trail.rows.length === 0) return;
  await db.execute(sql`WITH v AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${json(trail.rows)}) AS v(contact_id uuid, source text, val boolean[], ex boolean[], cid uuid[], eid uuid, oid uuid)
    ), cons AS (
      INSERT INTO consent_starts (workspace_id, id, contact_id, ids, vals, explicit, changed_at, actor_type, actor_id, source)
      SELECT ${workspaceId}::uuid, v.cid[1], v.contact_id, v.cid, v.val, v.ex, ${trail.at}::timestamptz, ${trail.actorType}, ${trail.actorId}::text, v.source FROM v
    ), ev AS (
      INSERT INTO contact_events (workspace_id, id, contact_id, type, data, actor_type, actor_id, occurred_at)
      SELECT ${workspaceId}::uuid, v.eid, v.contact_id, 'contact.created', jsonb_build_object('source', v.source), ${trail.actorType}, ${trail.actorId}::text, ${trail.at}::timestamptz FROM v
    )
    INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
    SELECT ${workspaceId}::uuid, v.oid, 'contact.changed', jsonb_build_object('contactId', v.contact_id, 'change', 'created', 'workspaceId', ${workspaceId}::text), ${trail.at}::timestamptz FROM v`);
}

/** Where each of these contacts stands in its playbook, locked for update in id order (one query). */
export type StageState = { id: string; playbook_id: string | null; stage_id: string | null; stage_entered_at: string | null; deleted: boolean; version: number };

export async function lockStageStates(db: Db, workspaceId: string, ids: string[]): Promise<StageState[]> {
  if (ids.length === 0) return [];
  return queryRows<StageState>(db, sql`SELECT id, playbook_id, stage_id, stage_entered_at::text, deleted_at IS NOT NULL AS deleted, version::int AS version
    FROM contacts WHERE workspace_id = ${workspaceId} AND id = ANY(${`{${ids.join(',')}}`}::uuid[]) ORDER BY id FOR UPDATE`);
}

/** Puts each contact in its stage as of `at` (entering it now) and bumps its version; one statement for the batch. */
export async function writeContactStages(db: Db, workspaceId: string, moves: { id: string; playbook_id: string; stage_id: string }[], at: string): Promise<Map<string, number>> {
  if (moves.length === 0) return new Map();
  const rows = await queryRows<{ id: string; version: number }>(db, sql`UPDATE contacts c SET
      playbook_id = v.playbook_id, stage_id = v.stage_id, stage_entered_at = ${at}::timestamptz, updated_at = ${at}::timestamptz, version = c.version + 1
    FROM jsonb_to_recordset(${json(moves)}) AS v(id uuid, playbook_id uuid, stage_id uuid)
    WHERE c.workspace_id = ${workspaceId} AND c.id = v.id
    RETURNING c.id, c.version::int AS version`);
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
}
