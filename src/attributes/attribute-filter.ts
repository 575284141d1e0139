import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { contacts } from '../contacts/contacts.tables.ts';
import { validationFailed } from '../lib/errors.ts';
import { checkValue, type AttributeDefinition } from './attribute-values.ts';
import { attributeValueSql } from './attributes.repo.ts';

export const ATTRIBUTE_FILTER_OPS = ['eq', 'in', 'contains_any', 'contains_all', 'gte', 'lte', 'between', 'is_empty'] as const;

export const AttributeFilter = z
  .object({
    key: z.string().max(63),
    op: z.enum(ATTRIBUTE_FILTER_OPS),
    value: z.unknown().optional().meta({ description: 'eq/gte/lte: one value; in/contains_*: a list; between: [from, to]; is_empty: true (default) or false' }),
  })
  .strict();
export type AttributeFilter = z.infer<typeof AttributeFilter>;

/** Which operators each type accepts. */
const OPS_BY_TYPE: Record<AttributeDefinition['type'], readonly AttributeFilter['op'][]> = {
  text: ['eq', 'in', 'is_empty'],
  number: ['eq', 'in', 'gte', 'lte', 'between', 'is_empty'],
  date: ['eq', 'in', 'gte', 'lte', 'between', 'is_empty'],
  boolean: ['eq', 'is_empty'],
  single_select: ['eq', 'in', 'is_empty'],
  multi_select: ['contains_any', 'contains_all', 'is_empty'],
};

const contains = (doc: Record<string, unknown>) => sql`${contacts.customAttributes} @> ${JSON.stringify(doc)}::jsonb`;

/**
 * A filter on one custom attribute as a condition on `contacts.custom_attributes`, validated
 * against its definition (errors carry `pointer`, e.g. `/filter/2/value`). AND it with
 * `contacts.workspace_id = …` and `deleted_at IS NULL`:
 * - single-valued types (eq, in, gte, lte, between, is_empty) compare `custom_attributes -> 'key'`,
 *   served by the per-key index `(workspace_id, (custom_attributes -> 'key'), id)`; ANALYZE keeps
 *   statistics on that expression, so the planner knows a rare value is rare;
 * - multi-select (contains_any, contains_all) → `@>` containment, served by the GIN index
 *   `contacts_custom_attributes (workspace_id, custom_attributes jsonb_path_ops)`; contains_any is
 *   an OR of containments (a BitmapOr of the same index).
 * jsonb orders numbers numerically and `YYYY-MM-DD` strings chronologically, so ranges are exact.
 */
export function attributeCondition(def: AttributeDefinition, filter: AttributeFilter, pointer = ''): SQL {
  const fail = (code: string, message: string, at = '/value'): never => {
    throw validationFailed([{ pointer: `${pointer}${at}`, code, message: `${def.key}: ${message}` }]);
  };
  if (filter.key !== def.key) fail('invalid', `filter is for ${filter.key}, not ${def.key}`, '/key');
  if (!OPS_BY_TYPE[def.type].includes(filter.op)) fail('unsupported_operator', `${filter.op} does not apply to a ${def.type} attribute; use ${OPS_BY_TYPE[def.type].join(', ')}`, '/op');
  const one = (v: unknown, at = '/value'): unknown => {
    const r = checkValue(def, v);
    if (!r.ok) return fail(r.code, r.message, at);
    if (r.value === null) return fail('invalid', 'a value is needed; use is_empty for missing values', at);
    return r.value;
  };
  const list = (): unknown[] => {
    if (!Array.isArray(filter.value) || filter.value.length === 0 || filter.value.length > 100) return fail('invalid_type', 'must be a list of 1 to 100 values');
    return filter.value;
  };
  const value = attributeValueSql(def.key);
  switch (filter.op) {
    case 'eq':
      return sql`${value} = ${JSON.stringify(one(filter.value))}::jsonb`;
    case 'in':
      return sql`${value} IN (${sql.join(list().map((v, i) => sql`${JSON.stringify(one(v, `/value/${i}`))}::jsonb`), sql`, `)})`;
    case 'contains_any':
      return sql`(${sql.join(list().map((v, i) => contains({ [def.key]: one([v], `/value/${i}`) })), sql` OR `)})`;
    case 'contains_all':
      return contains({ [def.key]: one(list()) });
    case 'gte':
      return sql`${value} >= ${JSON.stringify(one(filter.value))}::jsonb`;
    case 'lte':
      return sql`${value} <= ${JSON.stringify(one(filter.value))}::jsonb`;
    case 'between': {
      const [from, to] = Array.isArray(filter.value) && filter.value.length === 2 ? filter.value : fail('invalid_type', 'must be [from, to]');
      return sql`${value} BETWEEN ${JSON.stringify(one(from, '/value/0'))}::jsonb AND ${JSON.stringify(one(to, '/value/1'))}::jsonb`;
    }
    case 'is_empty': {
      const empty = filter.value === undefined ? true : filter.value;
      if (typeof empty !== 'boolean') return fail('invalid_type', 'must be true or false');
      return empty ? sql`${value} IS NULL` : sql`${value} IS NOT NULL`;
    }
  }
}

/**
 * The sort expression for an attribute: `custom_attributes -> 'key'` (jsonb; numbers numeric,
 * dates chronological, text by collation, false < true). Order by it then `contacts.id`, with
 * NULLS LAST for contacts without a value. Multi-select has no order.
 */
export function attributeSortExpression(def: AttributeDefinition): SQL {
  if (def.type === 'multi_select') throw validationFailed([{ pointer: '/sort', code: 'unsupported_sort', message: `${def.key} is a multi-select and cannot be sorted` }]);
  return attributeValueSql(def.key);
}

/** The cursor value for keyset pagination on an attribute sort: compare with `${expr} > ${v}::jsonb`. */
export const attributeSortValue = (def: AttributeDefinition, customAttributes: Record<string, unknown>): string | null =>
  customAttributes[def.key] === undefined || customAttributes[def.key] === null ? null : JSON.stringify(customAttributes[def.key]);
