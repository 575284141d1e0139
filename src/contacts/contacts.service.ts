import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound, validationFailed, type FieldError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import { currentTransaction } from '../lib/tenant-scope.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import { readWorkspaceSettings, type WorkspaceSettingsReader } from '../workspaces/workspace-settings.ts';
import * as repo from './contacts.repo.ts';
import * as batchRepo from './batch.repo.ts';
import { CONSENT_COLUMNS, presentContact } from './contacts.present.ts';
import type { ConsentChange, Consents, Contact, ContactCreate, ContactUpdate, Source } from './contacts.schema.ts';
import type { ContactRow } from './contacts.tables.ts';
import { identifiersOf, resolveIdentity, sameIdentifier, type IdentityFields } from './identity.ts';
import { changedFields, diffConsents, mergeAttributes } from './contact-changes.ts';
import { emailKey, normaliseEmail, normaliseName } from './identifiers.ts';
import { newContactRow } from './new-contact-row.ts';
import { makeContactBatchService } from './batch.service.ts';

/**
 * The row operations other features run on a contact inside their own transaction (attention
 * records its events; a stage move locks, reads and updates the row). Published here so they
 * come through the contacts service, never contacts.repo.ts, which may change behind them.
 */
export { findContactRow, lockContactRow, recordContactEvent, updateContactRow } from './contacts.repo.ts';
// Set-based stage moves (an import's batch): playbooks writes the contacts' side through these.
export { insertContactEvents, lockStageStates, writeContactStages, type ContactEventRow, type StageState } from './batch.repo.ts';
/** The contact row those operations take and return. */
export type { ContactRow } from './contacts.tables.ts';

/**
 * Validates and normalises custom attribute values against the workspace's definitions.
 * Supplied by the attributes feature; until a workspace defines attributes every key is unknown.
 */
export type CustomAttributeValidator = (
  db: Db,
  workspaceId: string,
  values: Record<string, unknown>,
  context?: { creating: boolean; automated: boolean },
) => Promise<{ values: Record<string, unknown>; errors: FieldError[] }>;

/** Names of the given stages (one query for a whole page); supplied by the playbooks feature. */
export type StageNameLoader = (db: Db, workspaceId: string, stageIds: string[]) => Promise<ReadonlyMap<string, string>>;

/** `workspaceSettings`: the workspaces service's cached reader; uncached when absent. */
/**
 * For a batch: locks the attribute keys the batch names and reads the definitions once, then
 * checks each item's values in memory (per item, the definitions were read once per row).
 */
export type CustomAttributeChecker = (db: Db, workspaceId: string, keys: string[]) => Promise<(values: Record<string, unknown>, context: { creating: boolean; automated: boolean }) => { values: Record<string, unknown>; errors: FieldError[] }>;

export type ContactsDeps = { db: Db; clock: Clock; validateCustomAttributes?: CustomAttributeValidator; customAttributeChecker?: CustomAttributeChecker; stageNames?: StageNameLoader; workspaceSettings?: WorkspaceSettingsReader };

const rejectAllAttributes: CustomAttributeValidator = async (_db, _ws, values) => ({
  values: {},
  errors: Object.keys(values).map((k) => ({
    pointer: `/customAttributes/${k}`,
    code: 'unknown_attribute',
    message: `No contact attribute "${k}" is defined in this workspace`,
  })),
});

export type WriteOptions = { ifMatch?: number; consentSource?: string };

export function makeContactsService(deps: ContactsDeps) {
  const { db, clock } = deps;
  const validateAttributes = deps.validateCustomAttributes ?? rejectAllAttributes;
  const workspaceSettings = deps.workspaceSettings ?? readWorkspaceSettings;

  /** Presents a row with the clock and its stage's name (see PresentContext). */
  async function present(tx: Db, row: ContactRow): Promise<Contact> {
    const stageNames = row.stageId && deps.stageNames ? await deps.stageNames(tx, row.workspaceId, [row.stageId]) : undefined;
    return presentContact(row, { now: clock.now(), stageNames });
  }

  /** Loads a live (or, with `includeDeleted`, trashed) contact of the actor's workspace, or 404. */
  async function getRow(tx: Db, actor: Actor, id: string, opts: { includeDeleted?: boolean; lock?: boolean } = {}) {
    const row = opts.lock ? await repo.lockContactRow(tx, actor.workspaceId, id) : await repo.findContactRow(tx, actor.workspaceId, id);
    if (!row || (row.deletedAt && !opts.includeDeleted)) throw notFound('Contact', id);
    return row;
  }

  async function defaultCountryOf(tx: Db, workspaceId: string): Promise<string> {
    return (await workspaceSettings(tx, workspaceId)).defaultCountry;
  }

  async function checkOwner(tx: Db, actor: Actor, ownerId: string | null | undefined, errors: FieldError[]) {
    if (!ownerId) return;
    if (!(await findWorkspaceUser(tx, actor.workspaceId, ownerId))) {
      errors.push({ pointer: '/ownerId', code: 'unknown_user', message: `No user ${ownerId} in this workspace` });
    }
  }

  /** Claims identifiers for `contactId`; a taken one is a 409 naming the contact that holds it. */
  async function claimIdentifiers(tx: Db, actor: Actor, contactId: string, wanted: ReturnType<typeof identifiersOf>) {
    const claimed = await repo.insertIdentifiersIfFree(tx, actor.workspaceId, contactId, wanted);
    if (claimed.length === wanted.length) return;
    const missing = wanted.filter((w) => !claimed.some((c) => sameIdentifier(c, w)));
    const holders = await repo.findIdentifierHolders(tx, actor.workspaceId, missing, contactId);
    if (holders.length > 0) throw identifierTaken(holders[0]!, wanted);
  }


  const sourceFor = (actor: Actor): Source => (actor.type === 'api_key' ? 'api' : actor.type === 'system' ? 'api' : 'manual');

  /**
   * One create on `tx` (a transaction, or the pool for one autocommitted statement). `taken`:
   * 'fail' makes a taken identifier fail the statement (unique violation, nothing written),
   * 'skip' leaves it unclaimed so the holder can be named.
   */
  async function createContact(tx: Db, actor: Actor, input: ContactCreate, opts: { source?: Source }, taken: 'fail' | 'skip'): Promise<Contact> {
    const now = clock.now();
    const country = await defaultCountryOf(tx, actor.workspaceId);
    const empty: IdentityFields = { email: null, phone: null, whatsappUserId: null, additionalEmails: [], additionalPhones: [] };
    const { fields, errors, pointers } = resolveIdentity(input, empty, country);
    await checkOwner(tx, actor, input.ownerId, errors);
    const attrs = await validateAttributes(tx, actor.workspaceId, input.customAttributes ?? {}, { creating: true, automated: actor.type === 'system' });
    errors.push(...attrs.errors);
    if (errors.length) throw validationFailed(errors);

    const id = uuidv7(now.getTime());
    const at = now.toISOString();
    const actorId = actor.userId ?? actor.principalId;
    const externalRefId = input.externalRef?.id ?? null;
    const consents: Consents = {
      transactionalWhatsapp: input.consents?.transactionalWhatsapp ?? true,
      transactionalEmail: input.consents?.transactionalEmail ?? true,
      marketingWhatsapp: input.consents?.marketingWhatsapp ?? false,
      marketingEmail: input.consents?.marketingEmail ?? false,
    };
    const source = input.source ?? opts.source ?? sourceFor(actor);
    const wanted = identifiersOf(fields, externalRefId, pointers);
    // One statement writes the row, its identifiers, consents (the starting value of every
    // consent is part of the proof trail, defaults included: one consent_starts row), event and outbox row.
    const { claimed, row } = await batchRepo.insertContactWithTrail(tx, actor.workspaceId, taken, {
      row: newContactRow({ id, input, fields, source, sourceDetail: input.sourceDetail ?? null, consents, attributes: attrs.values, at }),
      identifiers: wanted.map(({ kind, value }) => ({ kind, value })),
      consents: {
        ids: batchRepo.CREATED_CONSENTS.map(() => uuidv7(now.getTime())),
        vals: batchRepo.CREATED_CONSENTS.map((c) => consents[c]),
        explicit: batchRepo.CREATED_CONSENTS.map((c) => input.consents?.[c] !== undefined),
        source,
      },
      event: { id: uuidv7(now.getTime()), contact_id: id, type: 'contact.created', data: { source }, actor_type: actor.type, actor_id: actorId, occurred_at: at },
      outbox: { id: uuidv7(now.getTime()), topic: 'contact.changed', payload: { contactId: id, change: 'created' }, created_at: at },
    });
    if (claimed < wanted.length) {
      // Taken ('skip'): name the holder; throwing rolls the caller's transaction back.
      const holders = await repo.findIdentifierHolders(tx, actor.workspaceId, wanted, id);
      if (holders.length > 0) throw identifierTaken(holders[0]!, wanted);
    }
    return present(tx, row);
  }

  const batch = makeContactBatchService({ db, clock, validateAttributes, attributeChecker: deps.customAttributeChecker, workspaceSettings, stageNames: deps.stageNames });

  return {
    /** Set-based writes and reads (batch API, import, CRM sync): see batch.service.ts. */
    writeBatch: batch.writeBatch,
    readBatch: batch.readBatch,

    /**
     * Creates a contact after applying the identity rules; records consents and a `created` event.
     * Outside a caller's transaction the write is one autocommitted statement that fails whole
     * when an identifier is taken (two round trips with the attribute definitions' read, instead
     * of four with BEGIN and COMMIT); then, and inside a caller's transaction, it runs in a
     * transaction of its own that names the contact holding the identifier.
     */
    async create(actor: Actor, input: ContactCreate, opts: { source?: Source } = {}): Promise<Contact> {
      if (!currentTransaction()) {
        try {
          return await createContact(db, actor, input, opts, 'fail');
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
        }
      }
      return db.transaction((tx) => createContact(tx, actor, input, opts, 'skip'));
    },

    /** A live contact of the actor's workspace; `includeDeleted` also finds one in the trash. */
    async get(actor: Actor, id: string, opts: { includeDeleted?: boolean } = {}): Promise<Contact> {
      return present(db, await getRow(db, actor, id, { includeDeleted: opts.includeDeleted ?? true }));
    },

    /** Partial update; `null` clears. Identifier changes go through the same identity rules. */
    async update(actor: Actor, id: string, patch: ContactUpdate, opts: WriteOptions = {}): Promise<Contact> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, { lock: true });
        checkVersion(current, opts.ifMatch);
        const country = await defaultCountryOf(tx, actor.workspaceId);
        const { fields, errors, pointers } = resolveIdentity(patch, identityOf(current), country);
        if (patch.ownerId !== undefined) await checkOwner(tx, actor, patch.ownerId, errors);
        let attributeValues: Record<string, unknown> | undefined;
        if (patch.customAttributes) {
          const attrs = await validateAttributes(tx, actor.workspaceId, patch.customAttributes, { creating: false, automated: actor.type === 'system' });
          errors.push(...attrs.errors);
          attributeValues = attrs.values;
        }
        if (errors.length) throw validationFailed(errors);

        const changes: Partial<ContactRow> = { ...fields, updatedAt: now };
        if (patch.firstName !== undefined) changes.firstName = normaliseName(patch.firstName ?? '');
        if (patch.lastName !== undefined) changes.lastName = normaliseName(patch.lastName ?? '');
        if (patch.company !== undefined) changes.company = patch.company?.trim() || null;
        if (patch.ownerId !== undefined) changes.ownerId = patch.ownerId;
        if (patch.externalRef !== undefined) {
          changes.externalRefId = patch.externalRef?.id ?? null;
          changes.externalRefUrl = patch.externalRef?.url ?? null;
        }
        if (attributeValues) (changes as Record<string, unknown>).customAttributes = mergeAttributes(current, attributeValues);
        const consentChanges = diffConsents(current, patch.consents);
        for (const c of consentChanges) (changes as Record<string, unknown>)[CONSENT_COLUMNS[c.consent]] = c.value;

        const before = identifiersOf(identityOf(current), current.externalRefId);
        const after = identifiersOf(fields, changes.externalRefId !== undefined ? changes.externalRefId : current.externalRefId, pointers);
        const removed = before.filter((b) => !after.some((a) => sameIdentifier(a, b)));
        const added = after.filter((a) => !before.some((b) => sameIdentifier(a, b)));
        await repo.deleteIdentifiers(tx, actor.workspaceId, id, removed);
        await claimIdentifiers(tx, actor, id, added);

        const row = await repo.updateContactRow(tx, actor.workspaceId, id, changes);
        const changed = changedFields(current, row!);
        await repo.recordConsents(tx, actor, id, consentChanges.map((c) => ({ ...c, source: opts.consentSource ?? sourceFor(actor) })), now);
        if (changed.length) {
          await repo.recordContactEvent(tx, actor, id, 'contact.updated', { fields: changed }, now);
          await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId: id, change: 'updated', fields: changed } }, now);
        }
        return present(tx, row!);
      });
    },

    /** Sets one consent with its proof; recorded even when the value does not change (re-confirmation). */
    async setConsent(actor: Actor, id: string, change: ConsentChange): Promise<Contact> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, { lock: true });
        const column = CONSENT_COLUMNS[change.consent];
        const row =
          current[column] === change.value
            ? current
            : await repo.updateContactRow(tx, actor.workspaceId, id, { [column]: change.value, updatedAt: now });
        await repo.recordConsents(tx, actor, id, [{ consent: change.consent, value: change.value, source: change.source ?? sourceFor(actor), proof: change.proof ?? null }], now);
        await repo.recordContactEvent(tx, actor, id, 'contact.consent_changed', { consent: change.consent, value: change.value, source: change.source ?? sourceFor(actor) }, now);
        return present(tx, row!);
      });
    },

    async consentHistory(actor: Actor, id: string) {
      await getRow(db, actor, id, { includeDeleted: true });
      const rows = await repo.listConsentRecords(db, actor.workspaceId, id);
      return rows.map((r) => ({
        id: r.id,
        consent: r.consent,
        value: r.value,
        changedAt: r.changedAt.toISOString(),
        actorType: r.actorType,
        actorId: r.actorId,
        source: r.source,
        proof: r.proof ?? null,
      }));
    },

    /** Moves the contact to the trash and frees its identifiers for other contacts. */
    async remove(actor: Actor, id: string, opts: WriteOptions = {}): Promise<void> {
      const now = clock.now();
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, { lock: true });
        checkVersion(current, opts.ifMatch);
        await repo.deleteIdentifiers(tx, actor.workspaceId, id);
        await repo.updateContactRow(tx, actor.workspaceId, id, { deletedAt: now, updatedAt: now });
        await repo.recordContactEvent(tx, actor, id, 'contact.deleted', {}, now);
        await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId: id, change: 'deleted' } }, now);
      });
    },

    /** Brings a contact back from the trash; its identifiers must still be free. */
    async restore(actor: Actor, id: string): Promise<Contact> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, { includeDeleted: true, lock: true });
        if (!current.deletedAt) return present(tx, current);
        if (current.mergedIntoId) {
          throw new AppError('contact_merged', `Contact ${id} was merged into ${current.mergedIntoId} and cannot be restored`, { status: 409, extra: { contactId: current.mergedIntoId } });
        }
        await claimIdentifiers(tx, actor, id, identifiersOf(identityOf(current), current.externalRefId));
        const row = await repo.updateContactRow(tx, actor.workspaceId, id, { deletedAt: null, updatedAt: now });
        await repo.recordContactEvent(tx, actor, id, 'contact.restored', {}, now);
        await recordOutbox(tx, actor.workspaceId, { topic: 'contact.changed', payload: { contactId: id, change: 'restored' } }, now);
        return present(tx, row!);
      });
    },

    /** For inbound channels and imports: the live contact holding this identifier, if any. */
    /** The contact a channel names, by an identifier as the channel wrote it (an email in any capitals). */
    async findByIdentifier(actor: Actor, kind: repo.Identifier['kind'], value: string): Promise<Contact | undefined> {
      const email = kind === 'email' ? normaliseEmail(value) : undefined;
      const key = email ? emailKey(email.ok ? email.value : value) : value;
      const contactId = await repo.findContactIdByIdentifier(db, actor.workspaceId, { kind, value: key });
      if (!contactId) return undefined;
      const row = await repo.findContactRow(db, actor.workspaceId, contactId);
      return row && !row.deletedAt ? present(db, row) : undefined;
    },
  };
}

export type ContactsService = ReturnType<typeof makeContactsService>;

export const identityOf = (row: ContactRow): IdentityFields => ({
  email: row.email,
  phone: row.phone,
  whatsappUserId: row.whatsappUserId,
  additionalEmails: row.additionalEmails,
  additionalPhones: row.additionalPhones,
});

export function checkVersion(row: { version: number }, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && Number(row.version) !== ifMatch) {
    throw new AppError('precondition_failed', `The contact changed since you read it: it is at version ${row.version}, not ${ifMatch}`, {
      extra: { currentVersion: Number(row.version), etag: `"${row.version}"` },
    });
  }
}

function identifierTaken(holder: repo.Identifier & { contactId: string }, wanted: ReturnType<typeof identifiersOf>): AppError {
  const field = wanted.find((w) => sameIdentifier(w, holder));
  const label = holder.kind === 'external_ref' ? `External reference ${holder.value}` : holder.value;
  return new AppError('contact_identifier_taken', `${label} belongs to contact ${holder.contactId}`, {
    extra: { contactId: holder.contactId },
    errors: [{ pointer: field?.pointer ?? '/', code: 'identifier_taken', message: `${label} belongs to contact ${holder.contactId}` }],
  });
}
