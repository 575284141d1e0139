import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import * as repo from './contacts.repo.ts';
import { presentContact } from './contacts.present.ts';
import type { Contact, MergeField } from './contacts.schema.ts';
import type { ContactRow } from './contacts.tables.ts';
import { identityOf, type StageNameLoader } from './contacts.service.ts';
import { identifiersOf, resolveIdentity } from './identity.ts';
import { repointContactRows } from './contact-owned-tables.ts';

/**
 * What merge needs from other features, passed in by `deps.ts` so contacts imports neither
 * attention nor playbooks (both depend on contacts): recompute the survivor's attention, and
 * name its stage.
 */
export type MergeDeps = {
  db: Db;
  clock: Clock;
  refreshAttention: (tx: Db, before: ContactRow, now: Date) => Promise<unknown>;
  stageNames: StageNameLoader;
};

/** The merge use case as a service, so routes and the CLI reach it like any other. */
export function makeContactMergeService(deps: MergeDeps) {
  return {
    merge: (actor: Actor, survivorId: string, otherId: string, takeFromOther: readonly MergeField[] = []): Promise<Contact> =>
      mergeContacts(deps, actor, survivorId, otherId, takeFromOther),
  };
}

/**
 * Merges `otherId` into `survivorId`: the survivor keeps its values, fills its blanks from the
 * other, gains the other's identifiers as additional values and its related elements and
 * history. The other goes to the trash marked `mergedIntoId`; the merge is recorded on both.
 * `takeFromOther` names the fields where the other's value wins, in the same transaction (a
 * taken email or phone becomes the primary; the survivor's own moves to the additional values,
 * so no identifier is lost).
 */
export async function mergeContacts(
  deps: MergeDeps,
  actor: Actor,
  survivorId: string,
  otherId: string,
  takeFromOther: readonly MergeField[] = [],
): Promise<Contact> {
  const take = new Set(takeFromOther);
  const now = deps.clock.now();
  if (survivorId === otherId) {
    throw new AppError('merge_same_contact', 'A contact cannot be merged into itself', {
      errors: [{ pointer: '/otherContactId', code: 'same_contact', message: 'must differ from the surviving contact' }],
    });
  }
  return deps.db.transaction(async (tx) => {
    // Lock in id order so two opposite merges cannot deadlock.
    const [firstId, secondId] = [survivorId, otherId].sort();
    const locked = new Map<string, ContactRow | undefined>();
    locked.set(firstId!, await repo.lockContactRow(tx, actor.workspaceId, firstId!));
    locked.set(secondId!, await repo.lockContactRow(tx, actor.workspaceId, secondId!));
    const survivor = locked.get(survivorId);
    const other = locked.get(otherId);
    if (!survivor || survivor.deletedAt) throw notFound('Contact', survivorId);
    if (!other || other.deletedAt) {
      throw new AppError('not_found', `Contact ${otherId} was not found`, {
        errors: [{ pointer: '/otherContactId', code: 'not_found', message: 'no such live contact in this workspace' }],
      });
    }

    const merged = identityOf(survivor);
    // A taken email or phone is the primary; the survivor's own joins the additional values (first, as the nearest).
    const primaryEmail = take.has('email') && other.email ? other.email : merged.email;
    const primaryPhone = take.has('phone') && other.phone ? other.phone : merged.phone;
    const country = 'ZZ'; // values are already E.164 / normalised; no default country is needed
    const { fields } = resolveIdentity(
      {
        additionalEmails: [merged.email, ...merged.additionalEmails, other.email, ...other.additionalEmails].filter((v): v is string => !!v),
        additionalPhones: [merged.phone, ...merged.additionalPhones, other.phone, ...other.additionalPhones].filter((v): v is string => !!v),
        whatsappUserId: merged.whatsappUserId ?? other.whatsappUserId,
      },
      { ...merged, email: primaryEmail, phone: primaryPhone },
      country,
    );
    const pick = <K extends 'firstName' | 'lastName' | 'company'>(f: K) => (take.has(f) && other[f] ? other[f] : survivor[f] || other[f]);
    const externalRefId = survivor.externalRefId ?? other.externalRefId;
    const externalRefUrl = survivor.externalRefId ? survivor.externalRefUrl : other.externalRefUrl;

    // Release the other's identifiers first, then let the survivor claim the union.
    await repo.deleteIdentifiers(tx, actor.workspaceId, otherId);
    await repo.deleteIdentifiers(tx, actor.workspaceId, survivorId);
    await repo.insertIdentifiers(tx, actor.workspaceId, survivorId, identifiersOf(fields, externalRefId));

    // Every other table with a contact_id, found in the catalog (contact-owned-tables.ts).
    await repointContactRows(tx, actor.workspaceId, survivorId, otherId);
    // The survivor now holds both contacts' communications: its attention follows from all of them.
    await deps.refreshAttention(tx, survivor, now);

    const row = await repo.updateContactRow(tx, actor.workspaceId, survivorId, {
      ...fields,
      firstName: pick('firstName'),
      lastName: pick('lastName'),
      company: pick('company'),
      ownerId: survivor.ownerId ?? other.ownerId,
      externalRefId,
      externalRefUrl,
      crmLinks: { ...other.crmLinks, ...survivor.crmLinks },
      customAttributes: { ...other.customAttributes, ...survivor.customAttributes },
      ...(survivor.stageId ? {} : { playbookId: other.playbookId, stageId: other.stageId, stageEnteredAt: other.stageEnteredAt }),
      updatedAt: now,
    });
    await repo.updateContactRow(tx, actor.workspaceId, otherId, { deletedAt: now, mergedIntoId: survivorId, updatedAt: now });
    await repo.recordContactEvent(tx, actor, survivorId, 'contact.merged', { otherContactId: otherId, takeFromOther: [...take], other: presentContact(other) }, now);
    await repo.recordContactEvent(tx, actor, otherId, 'contact.merged_into', { survivorContactId: survivorId }, now);
    await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId: survivorId, change: 'merged', otherContactId: otherId } }, now);
    const stageNames = row!.stageId ? await deps.stageNames(tx, actor.workspaceId, [row!.stageId]) : undefined;
    return presentContact(row!, { now, stageNames });
  });
}
