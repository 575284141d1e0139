import { requireRole, type Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound, validationFailed, type FieldError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import type { JobPayload } from '../lib/jobs/queue.ts';
import { isUniqueViolation } from '../lib/pg-errors.ts';
import type { CustomAttributeChecker, CustomAttributeValidator } from '../contacts/contacts.service.ts';
import { checkAttributeValues } from './attribute-values.ts';
import * as repo from './attributes.repo.ts';
import type { Attribute, AttributeCreate, AttributeUpdate, ChangeMode } from './attributes.schema.ts';
import type { AttributeOption, AttributeRow, AttributeType } from './attributes.tables.ts';
import { clearBeforeDelete, reconcileStoredValues } from './change-definition.ts';

const presentAttribute = (r: AttributeRow): Attribute => ({
  id: r.id,
  key: r.key,
  label: r.label,
  type: r.type,
  options: r.options,
  required: r.required,
  position: r.position,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  version: Number(r.version),
});

const isSelect = (t: AttributeType) => t === 'single_select' || t === 'multi_select';
/** Types whose values sort and range-filter through the per-key expression index. */
const isOrderable = (t: AttributeType) => t !== 'multi_select';

/** Options fit the type: selects need at least one, values unique; other types have none. */
function checkOptions(type: AttributeType, options: AttributeOption[] | undefined): FieldError[] {
  if (!isSelect(type)) return options?.length ? [{ pointer: '/options', code: 'not_allowed', message: `a ${type} attribute has no options` }] : [];
  if (!options?.length) return [{ pointer: '/options', code: 'required', message: 'a select needs at least one option' }];
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  options.forEach((o, i) => {
    if (seen.has(o.value)) errors.push({ pointer: `/options/${i}/value`, code: 'duplicate_option_value', message: `"${o.value}" is already option ${seen.get(o.value)}` });
    else seen.set(o.value, i);
  });
  return errors;
}

function checkVersion(row: AttributeRow, ifMatch: number | undefined) {
  if (ifMatch !== undefined && Number(row.version) !== ifMatch) {
    throw new AppError('precondition_failed', `The attribute changed since you read it: it is at version ${row.version}, not ${ifMatch}`, {
      extra: { currentVersion: Number(row.version), etag: `"${row.version}"` },
    });
  }
}

/** The batch writer's checker: the keys locked and the definitions read once, each item checked in memory. */
export const contactAttributeChecker: CustomAttributeChecker = async (db, workspaceId, keys) => {
  await repo.lockAttributeKeys(db, workspaceId, keys);
  const defs = await repo.listAttributeRows(db, workspaceId);
  return (values, ctx) => checkAttributeValues(defs, values, ctx);
};

/** The contacts service's validator: values of a create or update against the definitions (a checker of one). */
export const validateContactAttributes: CustomAttributeValidator = async (db, workspaceId, values, ctx = { creating: false, automated: false }) => {
  const keys = Object.keys(values);
  if (keys.length === 0 && !ctx.creating) return { values: {}, errors: [] };
  return (await contactAttributeChecker(db, workspaceId, keys))(values, ctx);
};

/** The workspace's definitions by key: what `attributeCondition` and `attributeSortExpression` take. */
export async function loadAttributeDefinitions(db: Db, workspaceId: string): Promise<Map<string, AttributeRow>> {
  return new Map((await repo.listAttributeRows(db, workspaceId)).map((r) => [r.key, r]));
}

/** The workspace's definitions as the API presents them, in display order. */
export async function listAttributes(db: Db, workspaceId: string): Promise<Attribute[]> {
  return (await repo.listAttributeRows(db, workspaceId)).map(presentAttribute);
}

/** The job that builds an attribute's per-key expression index (payload: `{ key }`). */
export const ATTRIBUTE_INDEX_TOPIC = 'contact-attribute.index';

/**
 * Builds the index a sortable attribute uses, as a job: DDL (CREATE INDEX CONCURRENTLY) takes
 * as long as the contacts table is big, so no request waits for it. `systemDb` because DDL
 * belongs to the owner role; idempotent (a valid index is kept, an invalid one rebuilt). Until it
 * exists, filters and sorts on the attribute are still right, only slower.
 */
export async function buildAttributeIndex(systemDb: Db, payload: JobPayload): Promise<void> {
  await repo.ensureAttributeIndex(systemDb, String(payload.key));
}

/** Asks for the attribute's index, in the transaction that makes it sortable. */
async function requestAttributeIndex(tx: Db, workspaceId: string, key: string, now: Date): Promise<void> {
  await recordOutbox(tx, workspaceId, { topic: ATTRIBUTE_INDEX_TOPIC, payload: { key } }, now);
}

export function makeAttributesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<AttributeRow> {
    const row = await repo.findAttributeRow(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Contact attribute', id);
    return row;
  }

  return {
    /** Definitions in display order; every role may read them (to show and fill the values). */
    async list(actor: Actor): Promise<Attribute[]> {
      return listAttributes(db, actor.workspaceId);
    },

    async get(actor: Actor, id: string): Promise<Attribute> {
      return presentAttribute(await getRow(db, actor, id));
    },

    /** Defines an attribute (admin). Keys are unique in the workspace and never change. */
    async create(actor: Actor, input: AttributeCreate): Promise<Attribute> {
      requireRole(actor, 'admin');
      const errors = checkOptions(input.type, input.options);
      if (errors.length) throw validationFailed(errors);
      const now = clock.now();
      const created = await db.transaction(async (tx) => {
        const position = input.position ?? (await repo.nextAttributePosition(tx, actor.workspaceId));
        const row = await repo
          .insertAttributeRow(tx, {
            workspaceId: actor.workspaceId, id: uuidv7(now.getTime()), key: input.key, label: input.label, type: input.type,
            options: input.options ?? [], required: input.required, position, createdAt: now, updatedAt: now,
          })
          .catch((err) => {
            if (!isUniqueViolation(err)) throw err;
            throw new AppError('attribute_key_taken', `An attribute with key "${input.key}" already exists`, {
              status: 409,
              errors: [{ pointer: '/key', code: 'key_taken', message: 'another attribute of this workspace has this key' }],
            });
          });
        if (isOrderable(row.type)) await requestAttributeIndex(tx, actor.workspaceId, row.key, now);
        return presentAttribute(row);
      });
      return created;
    },

    /**
     * Changes a definition (admin). Label, required and order are free; a type change or removed
     * options with values stored are refused with the count unless `mode` is convert or clear.
     */
    async update(actor: Actor, id: string, patch: AttributeUpdate, opts: { mode?: ChangeMode; ifMatch?: number } = {}): Promise<Attribute> {
      requireRole(actor, 'admin');
      const now = clock.now();
      const updated = await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion(current, opts.ifMatch);
        const type = patch.type ?? current.type;
        // A type change to a non-select drops the options; to a select it needs new ones.
        const options = patch.options ?? (isSelect(type) && isSelect(current.type) ? current.options : isSelect(type) ? undefined : []);
        const errors = checkOptions(type, options);
        if (errors.length) throw validationFailed(errors);
        await reconcileStoredValues(tx, actor.workspaceId, current, { type, options: options ?? [] }, opts.mode, now);
        const row = await repo.updateAttributeRow(tx, actor.workspaceId, id, {
          label: patch.label ?? current.label, type, options: options ?? [], required: patch.required ?? current.required,
          position: patch.position ?? current.position, updatedAt: now,
        });
        if (type !== current.type && isOrderable(type)) await requestAttributeIndex(tx, actor.workspaceId, row.key, now);
        return presentAttribute(row);
      });
      return updated;
    },

    /** Deletes a definition (admin); refused while contacts hold a value unless `mode` is clear. */
    async remove(actor: Actor, id: string, opts: { mode?: ChangeMode; ifMatch?: number } = {}): Promise<void> {
      requireRole(actor, 'admin');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion(current, opts.ifMatch);
        await clearBeforeDelete(tx, actor.workspaceId, current, opts.mode, now);
        await repo.deleteAttributeRow(tx, actor.workspaceId, id);
      });
    },
  };
}

export type AttributesService = ReturnType<typeof makeAttributesService>;
