import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';
import { uuidv7 } from '../lib/ids.ts';
import type { Actor } from '../lib/actor.ts';
import {
  consentRecords,
  contactEvents,
  contactIdentifiers,
  contacts,
  type ConsentName,
  type ContactRow,
  type IdentifierKind,
} from './contacts.tables.ts';

export type Identifier = { kind: IdentifierKind; value: string };

export async function findContactRow(db: Db, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  const rows = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)))
    .limit(1);
  return rows[0];
}

export async function lockContactRow(db: Db, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  const rows = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)))
    .for('update')
    .limit(1);
  return rows[0];
}

export async function insertContactRow(db: Db, row: typeof contacts.$inferInsert): Promise<ContactRow> {
  const [inserted] = await db.insert(contacts).values(row).returning();
  return inserted!;
}

/** Writes `changes` and bumps the version; `expectedVersion` guards against a lost update. */
export async function updateContactRow(
  db: Db,
  workspaceId: string,
  id: string,
  changes: Partial<typeof contacts.$inferInsert>,
  expectedVersion?: number,
): Promise<ContactRow | undefined> {
  const conditions = [eq(contacts.workspaceId, workspaceId), eq(contacts.id, id)];
  if (expectedVersion !== undefined) conditions.push(eq(contacts.version, expectedVersion));
  const rows = await db
    .update(contacts)
    .set({ ...changes, version: sql`${contacts.version} + 1` })
    .where(and(...conditions))
    .returning();
  return rows[0];
}

/** Which contacts (other than `exceptContactId`) hold any of these identifiers. */
export async function findIdentifierHolders(
  db: Db,
  workspaceId: string,
  identifiers: Identifier[],
  exceptContactId?: string,
): Promise<(Identifier & { contactId: string })[]> {
  if (identifiers.length === 0) return [];
  const pairs = identifiers.map((i) => sql`(${i.kind}, ${i.value})`);
  const rows = await db
    .select()
    .from(contactIdentifiers)
    .where(
      and(
        eq(contactIdentifiers.workspaceId, workspaceId),
        sql`(${contactIdentifiers.kind}, ${contactIdentifiers.value}) IN (${sql.join(pairs, sql`, `)})`,
      ),
    );
  return rows.filter((r) => r.contactId !== exceptContactId);
}

export async function insertIdentifiers(db: Db, workspaceId: string, contactId: string, ids: Identifier[]): Promise<void> {
  if (ids.length === 0) return;
  await db.insert(contactIdentifiers).values(ids.map((i) => ({ workspaceId, contactId, kind: i.kind, value: i.value })));
}

/**
 * Inserts the identifiers that are free and returns those it claimed. ON CONFLICT DO NOTHING
 * waits for a concurrent claimant to finish, so there is no race between a check and the insert.
 */
export async function insertIdentifiersIfFree(db: Db, workspaceId: string, contactId: string, ids: Identifier[]): Promise<Identifier[]> {
  if (ids.length === 0) return [];
  return db
    .insert(contactIdentifiers)
    .values(ids.map((i) => ({ workspaceId, contactId, kind: i.kind, value: i.value })))
    .onConflictDoNothing()
    .returning({ kind: contactIdentifiers.kind, value: contactIdentifiers.value });
}

export async function deleteIdentifiers(db: Db, workspaceId: string, contactId: string, ids?: Identifier[]): Promise<void> {
  const base = and(eq(contactIdentifiers.workspaceId, workspaceId), eq(contactIdentifiers.contactId, contactId));
  if (!ids) {
    await db.delete(contactIdentifiers).where(base);
    return;
  }
  if (ids.length === 0) return;
  const pairs = ids.map((i) => sql`(${i.kind}, ${i.value})`);
  await db
    .delete(contactIdentifiers)
    .where(and(base, sql`(${contactIdentifiers.kind}, ${contactIdentifiers.value}) IN (${sql.join(pairs, sql`, `)})`));
}

export async function findContactIdByIdentifier(db: Db, workspaceId: string, id: Identifier): Promise<string | undefined> {
  const rows = await db
    .select({ contactId: contactIdentifiers.contactId })
    .from(contactIdentifiers)
    .where(
      and(
        eq(contactIdentifiers.workspaceId, workspaceId),
        eq(contactIdentifiers.kind, id.kind),
        eq(contactIdentifiers.value, id.value),
      ),
    )
    .limit(1);
  return rows[0]?.contactId;
}

export async function recordContactEvent(
  db: Db,
  actor: Actor,
  contactId: string,
  type: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db.insert(contactEvents).values({
    workspaceId: actor.workspaceId,
    id: uuidv7(at.getTime()),
    contactId,
    type,
    data,
    actorType: actor.type,
    actorId: actor.userId ?? actor.principalId,
    occurredAt: at,
  });
}

export type ConsentRecordInput = { consent: ConsentName; value: boolean; source: string; proof?: Record<string, unknown> | null };

/** Records consent changes (one row each, one statement for all). */
export async function recordConsents(db: Db, actor: Actor, contactId: string, changes: ConsentRecordInput[], at: Date): Promise<void> {
  if (changes.length === 0) return;
  await db.insert(consentRecords).values(
    changes.map((change) => ({
      workspaceId: actor.workspaceId,
      id: uuidv7(at.getTime()),
      contactId,
      consent: change.consent,
      value: change.value,
      changedAt: at,
      actorType: actor.type,
      actorId: actor.userId ?? actor.principalId,
      source: change.source,
      proof: change.proof ?? null,
    })),
  );
}

/**
 * A contact's consent records, newest first: the changes (consent_records) and its starting
 * consents (consent_starts, one row holding four records; see migration 1120), shown as the four
 * records they are. A merged contact has the starting consents of every contact merged into it.
 */
export async function listConsentRecords(db: Db, workspaceId: string, contactId: string) {
  const rows = await queryRows<{ id: string; consent: ConsentName; value: boolean; changed_at: string; actor_type: string; actor_id: string | null; source: string; proof: Record<string, unknown> | null }>(
    db,
    sql`SELECT id, consent, value, changed_at, actor_type, actor_id, source, proof FROM (
        SELECT id, consent, value, changed_at, actor_type, actor_id, source, proof
        FROM consent_records WHERE workspace_id = ${workspaceId} AND contact_id = ${contactId}
        UNION ALL
        SELECT s.ids[k.i], k.name, s.vals[k.i], s.changed_at, s.actor_type, s.actor_id, s.source,
          jsonb_build_object('reason', 'contact_created', 'explicit', s.explicit[k.i])
        FROM consent_starts s CROSS JOIN (VALUES ${sql.raw(CONSENT_ORDER)}) AS k(i, name)
        WHERE s.workspace_id = ${workspaceId} AND s.contact_id = ${contactId}
      ) r
      ORDER BY r.changed_at DESC, r.id DESC`,
  );
  return rows.map((r) => ({
    id: r.id,
    consent: r.consent,
    value: r.value,
    changedAt: new Date(r.changed_at),
    actorType: r.actor_type,
    actorId: r.actor_id,
    source: r.source,
    proof: r.proof,
  }));
}

/** `consent_starts`' array order (batch.repo.ts CREATED_CONSENTS), as VALUES rows (index, name). */
const CONSENT_ORDER = "(1, 'transactionalWhatsapp'), (2, 'transactionalEmail'), (3, 'marketingWhatsapp'), (4, 'marketingEmail')";

export async function countContactsByIds(db: Db, workspaceId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids)));
  return rows[0]?.n ?? 0;
}
