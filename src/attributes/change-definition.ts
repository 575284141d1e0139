import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { AppError } from '../lib/errors.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import { attributeValueSql, countContactsWhere, rewriteAttributeValues } from './attributes.repo.ts';
import type { ChangeMode } from './attributes.schema.ts';
import type { AttributeOption, AttributeRow, AttributeType } from './attributes.tables.ts';

type Target = { type: AttributeType; options: AttributeOption[] };

const NUMBER_RE = '^[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$';

/**
 * A conversion: which stored values cannot be converted (`blocked`), and the new value of the
 * others. `undefined` when the pair of types has no meaningful conversion.
 */
function conversion(from: AttributeRow, to: Target): { blocked: SQL | null; value: SQL } | undefined {
  const v = attributeValueSql(from.key);
  const text = sql`(${v} #>> '{}')`;
  const labels = JSON.stringify(Object.fromEntries(from.options.map((o) => [o.value, o.label])));
  const newValues = to.options.map((o) => o.value);
  const inNew = (x: SQL) => (newValues.length ? sql`${x} IN (${sql.join(newValues.map((n) => sql`${n}`), sql`, `)})` : sql`false`);
  if (to.type === 'text') {
    if (from.type === 'single_select') return { blocked: null, value: sql`to_jsonb(coalesce(${labels}::jsonb ->> ${text}, ${text}))` };
    if (from.type === 'multi_select') {
      return { blocked: null, value: sql`to_jsonb((SELECT string_agg(coalesce(${labels}::jsonb ->> e, e), ', ' ORDER BY o) FROM jsonb_array_elements_text(${v}) WITH ORDINALITY AS t(e, o)))` };
    }
    return { blocked: null, value: sql`to_jsonb(${text})` };
  }
  if (from.type === 'text' && to.type === 'number') {
    return { blocked: sql`NOT (btrim(${text}) ~ ${NUMBER_RE})`, value: sql`to_jsonb(btrim(${text})::numeric)` };
  }
  if (from.type === 'text' && to.type === 'single_select') return { blocked: sql`NOT (${inNew(text)})`, value: v };
  if (from.type === 'single_select' && to.type === 'multi_select') return { blocked: sql`NOT (${inNew(text)})`, value: sql`jsonb_build_array(${v})` };
  if (from.type === 'multi_select' && to.type === 'single_select') {
    return { blocked: sql`(jsonb_array_length(${v}) <> 1 OR NOT (${inNew(sql`(${v} ->> 0)`)}))`, value: sql`${v} -> 0` };
  }
  return undefined;
}

/**
 * Rewrites the values and leaves one outbox event for the whole change (CRM sync, webhooks):
 * per-contact events for a change that may touch a million contacts would drown the timeline.
 */
async function rewrite(tx: Db, workspaceId: string, def: AttributeRow, where: SQL, value: SQL, now: Date, change: 'cleared' | 'converted') {
  const contacts = await rewriteAttributeValues(tx, workspaceId, def.key, where, value, now);
  await recordOutbox(tx, workspaceId, { topic: 'contact.attribute_values_rewritten', payload: { attributeId: def.id, key: def.key, change, contacts } }, now);
}

/** Contacts whose value uses one of `removed` option values. */
function usesOptions(def: AttributeRow, removed: string[]): SQL {
  const containment = removed.map((r) => JSON.stringify({ [def.key]: def.type === 'multi_select' ? [r] : r }));
  return sql.join(containment.map((c) => sql`contacts.custom_attributes @> ${c}::jsonb`), sql` OR `);
}

const inUse = (count: number, what: string, pointer: string) =>
  new AppError('attribute_in_use', `${count} contact(s) have a value that ${what}; repeat with ?mode=clear (or ?mode=convert where possible) to change them explicitly`, {
    status: 409,
    extra: { count },
    errors: [{ pointer, code: 'attribute_in_use', message: `${count} contact(s) have values this would invalidate` }],
  });

/**
 * Applies what a definition change means for stored values before the definition is saved:
 * nothing for label, required or order; for a type change or removed options, refuse with the
 * count of affected contacts unless `mode` says to convert or clear them. Never corrupts silently.
 */
export async function reconcileStoredValues(tx: Db, workspaceId: string, before: AttributeRow, after: Target, mode: ChangeMode, now: Date): Promise<void> {
  const key = before.key;
  const has = sql`${attributeValueSql(key)} IS NOT NULL`;
  if (after.type !== before.type) {
    const count = await countContactsWhere(tx, workspaceId, has);
    if (count === 0) return;
    if (!mode) throw inUse(count, `is stored as ${before.type}`, '/type');
    if (mode === 'clear') {
      await rewrite(tx, workspaceId, before, has, sql`NULL::jsonb`, now, 'cleared');
      return;
    }
    const conv = conversion(before, after);
    if (!conv) {
      throw new AppError('conversion_not_supported', `Values cannot be converted from ${before.type} to ${after.type}; use ?mode=clear to remove them`, {
        errors: [{ pointer: '/type', code: 'conversion_not_supported', message: `${before.type} → ${after.type} has no conversion` }],
      });
    }
    if (conv.blocked) {
      const blocked = await countContactsWhere(tx, workspaceId, sql`${has} AND (${conv.blocked})`);
      if (blocked > 0) {
        throw new AppError('attribute_not_convertible', `${blocked} contact(s) have values that cannot become ${after.type}; fix them or use ?mode=clear`, {
          status: 409,
          extra: { count: blocked },
          errors: [{ pointer: '/type', code: 'not_convertible', message: `${blocked} value(s) cannot be converted` }],
        });
      }
    }
    await rewrite(tx, workspaceId, before, has, conv.value, now, 'converted');
    return;
  }
  if (before.type !== 'single_select' && before.type !== 'multi_select') return;
  const kept = new Set(after.options.map((o) => o.value));
  const removed = before.options.map((o) => o.value).filter((v) => !kept.has(v));
  if (removed.length === 0) return;
  const where = usesOptions(before, removed);
  const count = await countContactsWhere(tx, workspaceId, where);
  if (count === 0) return;
  if (!mode) throw inUse(count, `uses option(s) ${removed.join(', ')}`, '/options');
  if (mode === 'convert') {
    throw new AppError('conversion_not_supported', 'A removed option has no value to convert to; use ?mode=clear to remove it from contacts', {
      errors: [{ pointer: '/options', code: 'conversion_not_supported', message: 'removed options can only be cleared' }],
    });
  }
  const v = attributeValueSql(key);
  const list = JSON.stringify(removed);
  const newValue =
    before.type === 'single_select'
      ? sql`NULL::jsonb`
      : sql`(SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_agg(e ORDER BY o) END FROM jsonb_array_elements(${v}) WITH ORDINALITY AS t(e, o) WHERE NOT (${list}::jsonb @> jsonb_build_array(e)))`;
  await rewrite(tx, workspaceId, before, where, newValue, now, 'cleared');
}

/** Deleting a definition: refused while contacts hold a value unless `mode` is `clear`. */
export async function clearBeforeDelete(tx: Db, workspaceId: string, def: AttributeRow, mode: ChangeMode, now: Date): Promise<void> {
  const has = sql`${attributeValueSql(def.key)} IS NOT NULL`;
  const count = await countContactsWhere(tx, workspaceId, has);
  if (count === 0) return;
  if (mode !== 'clear') throw inUse(count, 'would be lost', '/');
  await rewrite(tx, workspaceId, def, has, sql`NULL::jsonb`, now, 'cleared');
}
