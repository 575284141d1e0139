import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import type { FieldError } from '../lib/errors.ts';
import { uuidv7Source } from '../lib/ids.ts';
import { invalid, itemErrors, prefixed } from './batch-item-errors.ts';
import { findWorkspaceUser } from '../workspaces/workspaces.service.ts';
import type { WorkspaceSettingsReader } from '../workspaces/workspace-settings.ts';
import * as repo from './batch.repo.ts';
import { insertOutboxRows, type OutboxRow } from '../lib/jobs/outbox.ts';
import { ContactBatchUpdateItem, type BatchItemResult, type BatchOptions, type MatchKey } from './batch.schema.ts';
import { changedFields, diffConsents, mergeAttributes } from './contact-changes.ts';
import { CONSENT_COLUMNS } from './contacts.present.ts';
import { ContactCreate, type Consents, type Source } from './contacts.schema.ts';
import type { ContactRow, IdentifierKind } from './contacts.tables.ts';
import { normaliseName } from './identifiers.ts';
import { newContactRow } from './new-contact-row.ts';
import { identifiersOf, resolveIdentity, type IdentityFields } from './identity.ts';

/**
 * The set-based contact writer: the batch API, the CSV import and the CRM sync write through it.
 * Same rules as a single create or update (normalisation with the workspace's country, identity
 * uniqueness, owner and custom-attribute checks, consents with their proof, events and outbox
 * rows), but each table is written once per batch, not once per item.
 *
 * Items are applied as if one after the other: an item that shares an identifier or a contact
 * with an earlier item of the batch waits for the next round, which sees the earlier one's
 * writes. So a duplicate inside a batch is a `conflict` on create and the same contact on upsert,
 * never two contacts. A normal batch (no duplicates) is one round.
 *
 * It runs in the caller's transaction when there is one (as a savepoint), so an import commits a
 * batch together with its checkpoint. A dry run does the whole work and rolls it back.
 */

type AttributeValidator = (
  db: Db,
  workspaceId: string,
  values: Record<string, unknown>,
  context?: { creating: boolean; automated: boolean },
) => Promise<{ values: Record<string, unknown>; errors: FieldError[] }>;

type AttributeChecker = (db: Db, workspaceId: string, keys: string[]) => Promise<(values: Record<string, unknown>, context: { creating: boolean; automated: boolean }) => Awaited<ReturnType<AttributeValidator>>>;

/** `attributeChecker`, when given, reads the definitions once per batch; without it each item asks `validateAttributes`. */
export type BatchWriterDeps = { db: Db; clock: Clock; validateAttributes: AttributeValidator; attributeChecker?: AttributeChecker; workspaceSettings: WorkspaceSettingsReader };

type Input = ContactCreate | ContactBatchUpdateItem;
type Key = { kind: IdentifierKind; value: string; pointer: string };
/** `fields`: the item's identifiers normalised on their own (what a create stores). */
type Work = { index: number; input: Input; fields: IdentityFields; keys: Key[]; targetId?: string };

const EMPTY: IdentityFields = { email: null, phone: null, whatsappUserId: null, additionalEmails: [], additionalPhones: [] };
const MATCH_KINDS: Record<MatchKey, IdentifierKind> = { email: 'email', phone: 'phone', externalRef: 'external_ref' };
const keyOf = (k: { kind: string; value: string }) => `${k.kind}:${k.value}`;

class DryRunRollback extends Error {}

const sourceFor = (actor: Actor): Source => (actor.type === 'user' || actor.type === 'cli' ? 'manual' : 'api');

const identityOf = (row: ContactRow): IdentityFields => ({
  email: row.email,
  phone: row.phone,
  whatsappUserId: row.whatsappUserId,
  additionalEmails: row.additionalEmails,
  additionalPhones: row.additionalPhones,
});

export function makeBatchWriter(deps: BatchWriterDeps) {
  const { db, clock } = deps;

  async function write(tx: Db, actor: Actor, items: unknown[], opts: BatchOptions): Promise<BatchItemResult[]> {
    const ws = actor.workspaceId;
    const now = clock.now();
    const at = now.toISOString();
    const newId = uuidv7Source(now.getTime());
    const actorId = actor.userId ?? actor.principalId;
    const results: BatchItemResult[] = new Array<BatchItemResult>(items.length);
    const country = (await deps.workspaceSettings(tx, ws)).defaultCountry;
    const schema = opts.mode === 'update' ? ContactBatchUpdateItem : ContactCreate;
    const matchBy = opts.matchBy?.length ? opts.matchBy : (['email', 'phone', 'externalRef'] as MatchKey[]);
    /** Contacts this batch created or updated, by the item that did it (for `duplicate_in_batch`). */
    const touchedBy = new Map<string, number>();

    let pending: Work[] = [];
    items.forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        results[index] = invalid(index, itemErrors(parsed.error, index));
        return;
      }
      const input = parsed.data;
      const { fields, errors, pointers } = resolveIdentity(input, EMPTY, country);
      // An update may name no identifier (it keeps the contact's); whether one is left is checked on the row.
      const errs = opts.mode === 'update' ? errors.filter((e) => e.code !== 'identifier_required') : errors;
      if (errs.length) {
        results[index] = invalid(index, prefixed(index, errs));
        return;
      }
      const keys = identifiersOf(fields, input.externalRef?.id ?? null, pointers);
      pending.push({ index, input, fields, keys, targetId: 'id' in input ? input.id : undefined });
    });

    // Owners: one lookup per distinct owner named in the batch.
    const owners = [...new Set(pending.map((w) => w.input.ownerId).filter((o): o is string => !!o))];
    const unknownOwners = new Set<string>();
    for (const o of owners) if (!(await findWorkspaceUser(tx, ws, o))) unknownOwners.add(o);
    pending = pending.filter((w) => {
      if (!w.input.ownerId || !unknownOwners.has(w.input.ownerId)) return true;
      results[w.index] = invalid(w.index, [{ pointer: `/items/${w.index}/ownerId`, code: 'unknown_user', message: `No user ${w.input.ownerId} in this workspace` }]);
      return false;
    });

    while (pending.length > 0) pending = await round(pending);
    return results;

    /** Applies the items that clash with no earlier pending item; returns the others for the next round. */
    async function round(work: Work[]): Promise<Work[]> {
      const held = await repo.findIdentifierHoldersOf(tx, ws, work.flatMap((w) => w.keys.map(({ kind, value }) => ({ kind, value }))));
      const holder = new Map(held.map((h) => [keyOf(h), h.contactId]));
      if (opts.mode === 'upsert') {
        for (const w of work) {
          w.targetId = undefined;
          for (const m of matchBy) {
            const hit = w.keys.find((k) => k.kind === MATCH_KINDS[m] && holder.has(keyOf(k)));
            if (hit) {
              w.targetId = holder.get(keyOf(hit));
              break;
            }
          }
        }
      }

      // In order: an item waits when it shares an identifier or a contact with an earlier item
      // (applied or waiting), so the next round sees that item's writes.
      const blockedKeys = new Set<string>();
      const blockedContacts = new Set<string>();
      const picked: Work[] = [];
      const deferred: Work[] = [];
      for (const w of work) {
        const keys = w.keys.map(keyOf);
        const contactsOf = [w.targetId, ...keys.map((k) => holder.get(k))].filter((c): c is string => !!c);
        const clash = keys.some((k) => blockedKeys.has(k)) || contactsOf.some((c) => blockedContacts.has(c));
        keys.forEach((k) => blockedKeys.add(k));
        contactsOf.forEach((c) => blockedContacts.add(c));
        (clash ? deferred : picked).push(w);
      }

      const targetIds = [...new Set(picked.map((w) => w.targetId).filter((t): t is string => !!t))];
      const rows = new Map((await repo.lockContactRows(tx, ws, targetIds)).map((r) => [r.id, r]));

      const automated = actor.type === 'system';
      // One read of the definitions (and one lock of the keys named) for the round's items.
      const keys = [...new Set(picked.flatMap((w) => Object.keys(w.input.customAttributes ?? {})))];
      const check = deps.attributeChecker ? await deps.attributeChecker(tx, ws, keys) : undefined;
      let emptyCreateCheck: Awaited<ReturnType<AttributeValidator>> | undefined;
      const checkAttributes = async (values: Record<string, unknown> | undefined, creating: boolean) => {
        const given = values && Object.keys(values).length > 0;
        if (!given && !creating) return { values: {}, errors: [] };
        if (check) return check(values ?? {}, { creating, automated });
        if (given) return deps.validateAttributes(tx, ws, values, { creating, automated });
        // Required attributes: the answer for "no values" is the same for every created item.
        emptyCreateCheck ??= await deps.validateAttributes(tx, ws, {}, { creating: true, automated });
        return emptyCreateCheck;
      };

      const creates: { w: Work; row: repo.NewContactRow; idents: repo.HeldIdentifier[]; consents: Consents; explicit: Partial<Consents> }[] = [];
      const updates: { w: Work; cur: ContactRow; next: ContactRow; changed: string[]; consentChanges: { consent: keyof Consents; value: boolean }[]; added: repo.HeldIdentifier[]; removed: repo.HeldIdentifier[] }[] = [];

      const takenBy = (w: Work, contactId: string, pointer: string, label: string): BatchItemResult => {
        const earlier = touchedBy.get(contactId);
        const ptr = `/items/${w.index}${pointer}`;
        if (earlier !== undefined) {
          return { index: w.index, status: 'conflict', contactId, problem: { code: 'duplicate_in_batch', message: `${label} is also in item ${earlier} of this batch`, errors: [{ pointer: ptr, code: 'duplicate_in_batch', message: `${label} is also in item ${earlier}` }] } };
        }
        return { index: w.index, status: 'conflict', problem: { code: 'contact_identifier_taken', message: `${label} belongs to contact ${contactId}`, errors: [{ pointer: ptr, code: 'identifier_taken', message: `${label} belongs to contact ${contactId}` }] } };
      };
      const labelOf = (k: { kind: string; value: string }) => (k.kind === 'external_ref' ? `External reference ${k.value}` : k.value);

      for (const w of picked) {
        const cur = w.targetId ? rows.get(w.targetId) : undefined;
        if (w.targetId && (!cur || cur.deletedAt)) {
          results[w.index] = { index: w.index, status: 'error', problem: { code: 'not_found', message: `No contact ${w.targetId}`, errors: [{ pointer: `/items/${w.index}/id`, code: 'not_found', message: `No contact ${w.targetId}` }] } };
          continue;
        }
        const attrs = await checkAttributes(w.input.customAttributes, !cur);
        if (attrs.errors.length) {
          results[w.index] = invalid(w.index, prefixed(w.index, attrs.errors));
          continue;
        }
        if (!cur) {
          const taken = w.keys.find((k) => holder.has(keyOf(k)));
          if (taken) {
            results[w.index] = takenBy(w, holder.get(keyOf(taken))!, taken.pointer, labelOf(taken));
            continue;
          }
          creates.push(planCreate(w, attrs.values));
          continue;
        }
        const version = (w.input as Partial<ContactBatchUpdateItem>).version;
        if (version !== undefined && Number(cur.version) !== version) {
          results[w.index] = { index: w.index, status: 'conflict', contactId: cur.id, version: Number(cur.version), problem: { code: 'precondition_failed', message: `The contact changed since you read it: it is at version ${cur.version}, not ${version}` } };
          continue;
        }
        const plan = planUpdate(w, cur, w.input.customAttributes ? attrs.values : undefined);
        if (plan.error) {
          results[w.index] = invalid(w.index, prefixed(w.index, plan.error));
          continue;
        }
        const taken = plan.added.find((a) => holder.has(keyOf(a)) && holder.get(keyOf(a)) !== cur.id);
        if (taken) {
          const typed = w.keys.find((k) => keyOf(k) === keyOf(taken));
          results[w.index] = takenBy(w, holder.get(keyOf(taken))!, typed?.pointer ?? '', labelOf(taken));
          continue;
        }
        if (plan.changed.length === 0) {
          results[w.index] = { index: w.index, status: 'unchanged', contactId: cur.id, version: Number(cur.version) };
          touchedBy.set(cur.id, w.index);
          continue;
        }
        updates.push({ w, cur, ...plan });
      }

      // Writes: contacts first (identifiers point at them), then the identifier claims; a claim
      // lost to a concurrent writer since the lookup turns that item into a conflict and undoes it.
      await repo.insertContactRows(tx, ws, creates.map((c) => c.row));
      await repo.releaseIdentifiers(tx, ws, updates.flatMap((u) => u.removed));
      const wanted = [...creates.flatMap((c) => c.idents), ...updates.flatMap((u) => u.added)];
      const claimed = new Set((await repo.claimIdentifiers(tx, ws, wanted)).map((c) => `${c.contactId}|${keyOf(c)}`));
      const lost = (ids: repo.HeldIdentifier[]) => ids.find((i) => !claimed.has(`${i.contactId}|${keyOf(i)}`));
      const lostCreates = creates.filter((c) => lost(c.idents));
      const lostUpdates = updates.filter((u) => lost(u.added));
      if (lostCreates.length || lostUpdates.length) {
        const mine = [...lostCreates.flatMap((c) => c.idents), ...lostUpdates.flatMap((u) => u.added)].filter((i) => claimed.has(`${i.contactId}|${keyOf(i)}`));
        await repo.releaseIdentifiers(tx, ws, mine);
        await repo.deleteContactRows(tx, ws, lostCreates.map((c) => c.row.id));
        await repo.claimIdentifiers(tx, ws, lostUpdates.flatMap((u) => u.removed));
        for (const c of lostCreates) {
          const k = lost(c.idents)!;
          results[c.w.index] = { index: c.w.index, status: 'conflict', problem: { code: 'contact_identifier_taken', message: `${labelOf(k)} was taken by another contact meanwhile` } };
        }
        for (const u of lostUpdates) {
          const k = lost(u.added)!;
          results[u.w.index] = { index: u.w.index, status: 'conflict', contactId: u.cur.id, problem: { code: 'contact_identifier_taken', message: `${labelOf(k)} was taken by another contact meanwhile` } };
        }
      }
      const created = creates.filter((c) => !lostCreates.includes(c));
      const updated = updates.filter((u) => !lostUpdates.includes(u));
      await repo.updateContactRows(tx, ws, updated.map((u) => rowState(u.next)));

      const consentRows: repo.ConsentRecordRow[] = [];
      const events: repo.ContactEventRow[] = [];
      const outbox: OutboxRow[] = [];
      const consentSource = opts.source ?? sourceFor(actor);
      const createdTrail: repo.CreatedTrailRow[] = [];
      for (const c of created) {
        const id = c.row.id;
        createdTrail.push({
          contact_id: id,
          source: c.row.source,
          val: repo.CREATED_CONSENTS.map((k) => c.consents[k]),
          ex: repo.CREATED_CONSENTS.map((k) => c.explicit[k] !== undefined),
          cid: [newId(), newId(), newId(), newId()],
          eid: newId(),
          oid: newId(),
        });
        touchedBy.set(id, c.w.index);
        results[c.w.index] = { index: c.w.index, status: 'created', contactId: id, version: 1 };
      }
      for (const u of updated) {
        const id = u.cur.id;
        for (const ch of u.consentChanges) {
          consentRows.push({ id: newId(), contact_id: id, consent: ch.consent, value: ch.value, changed_at: at, actor_type: actor.type, actor_id: actorId, source: consentSource, proof: null });
        }
        events.push({ id: newId(), contact_id: id, type: 'contact.updated', data: { fields: u.changed }, actor_type: actor.type, actor_id: actorId, occurred_at: at });
        outbox.push({ id: newId(), topic: 'contact.changed', payload: { contactId: id, change: 'updated', fields: u.changed }, created_at: at });
        touchedBy.set(id, u.w.index);
        results[u.w.index] = { index: u.w.index, status: 'updated', contactId: id, version: Number(u.cur.version) + 1, previous: previousValues(u.cur, u.next, u.changed) };
      }
      await repo.insertCreatedTrail(tx, ws, { at, actorType: actor.type, actorId, rows: createdTrail });
      await repo.insertConsentRecords(tx, ws, consentRows);
      await repo.insertContactEvents(tx, ws, events);
      await insertOutboxRows(tx, ws, outbox);
      return deferred;
    }

    function planCreate(w: Work, attributes: Record<string, unknown>) {
      const input = w.input as ContactCreate;
      const fields = w.fields;
      const explicit = input.consents ?? {};
      const consents: Consents = {
        transactionalWhatsapp: explicit.transactionalWhatsapp ?? true,
        transactionalEmail: explicit.transactionalEmail ?? true,
        marketingWhatsapp: explicit.marketingWhatsapp ?? false,
        marketingEmail: explicit.marketingEmail ?? false,
      };
      const id = newId();
      const row = newContactRow({
        id, input, fields, consents, attributes, at,
        source: input.source ?? opts.source ?? sourceFor(actor),
        sourceDetail: input.sourceDetail ?? opts.sourceDetail ?? null,
      });
      const idents = w.keys.map(({ kind, value }) => ({ kind, value, contactId: id }));
      return { w, row, idents, consents, explicit };
    }

    function planUpdate(w: Work, cur: ContactRow, attributeValues: Record<string, unknown> | undefined) {
      const patch = w.input;
      const { fields, errors, pointers } = resolveIdentity(patch, identityOf(cur), country);
      if (errors.length) return { error: errors } as const;
      const next: ContactRow = { ...cur, ...fields, updatedAt: now };
      if (patch.firstName !== undefined) next.firstName = normaliseName(patch.firstName ?? '');
      if (patch.lastName !== undefined) next.lastName = normaliseName(patch.lastName ?? '');
      if (patch.company !== undefined) next.company = patch.company?.trim() || null;
      if (patch.ownerId !== undefined) next.ownerId = patch.ownerId;
      if (patch.externalRef !== undefined) {
        next.externalRefId = patch.externalRef?.id ?? null;
        next.externalRefUrl = patch.externalRef?.url ?? null;
      }
      if (attributeValues) next.customAttributes = mergeAttributes(cur, attributeValues);
      const consentChanges = diffConsents(cur, patch.consents);
      for (const c of consentChanges) (next as Record<string, unknown>)[CONSENT_COLUMNS[c.consent]] = c.value;
      const before = identifiersOf(identityOf(cur), cur.externalRefId);
      const after = identifiersOf(fields, next.externalRefId, pointers);
      const removed = before.filter((b) => !after.some((a) => keyOf(a) === keyOf(b))).map(({ kind, value }) => ({ kind, value, contactId: cur.id }));
      const added = after.filter((a) => !before.some((b) => keyOf(a) === keyOf(b))).map(({ kind, value }) => ({ kind, value, contactId: cur.id }));
      return { next, changed: changedFields(cur, next), consentChanges, added, removed };
    }
  }

  return async function writeBatch(actor: Actor, items: unknown[], opts: BatchOptions): Promise<BatchItemResult[]> {
    if (!opts.dryRun) return db.transaction((tx) => write(tx, actor, items, opts));
    let results: BatchItemResult[] = [];
    try {
      await db.transaction(async (tx) => {
        results = await write(tx, actor, items, opts);
        throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    return results;
  };
}

function rowState(r: ContactRow) {
  return {
    id: r.id,
    first_name: r.firstName,
    last_name: r.lastName,
    email: r.email,
    phone: r.phone,
    whatsapp_user_id: r.whatsappUserId,
    company: r.company,
    additional_emails: r.additionalEmails,
    additional_phones: r.additionalPhones,
    owner_id: r.ownerId,
    external_ref_id: r.externalRefId,
    external_ref_url: r.externalRefUrl,
    consent_transactional_whatsapp: r.consentTransactionalWhatsapp,
    consent_transactional_email: r.consentTransactionalEmail,
    consent_marketing_whatsapp: r.consentMarketingWhatsapp,
    consent_marketing_email: r.consentMarketingEmail,
    custom_attributes: r.customAttributes ?? {},
    updated_at: r.updatedAt.toISOString(),
  };
}

const PLAIN_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'whatsappUserId', 'company', 'additionalEmails', 'additionalPhones', 'ownerId'] as const;

/** The previous values of the changed fields, shaped as an update body that would put them back. */
function previousValues(cur: ContactRow, next: ContactRow, changed: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of PLAIN_FIELDS) if (changed.includes(f)) out[f] = cur[f];
  if (changed.includes('externalRefId') || changed.includes('externalRefUrl')) out.externalRef = cur.externalRefId ? { id: cur.externalRefId, url: cur.externalRefUrl } : null;
  const consents: Record<string, boolean> = {};
  for (const [name, column] of Object.entries(CONSENT_COLUMNS)) if (changed.includes(column)) consents[name] = cur[column];
  if (Object.keys(consents).length) out.consents = consents;
  if (changed.includes('customAttributes')) {
    const before = cur.customAttributes ?? {};
    const after = next.customAttributes ?? {};
    const attrs: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) attrs[k] = before[k] ?? null;
    }
    out.customAttributes = attrs;
  }
  return out;
}
