import { sql, type SQL } from 'drizzle-orm';
import { validationFailed, type FieldError } from '../lib/errors.ts';
import { FILTER_FIELDS, type FilterContext, type Operator } from './filter-fields.ts';
import { filterLimitError } from './filter-limits.ts';
import { attributeField } from './stage-fields.ts';

/**
 * A filter tree: `{ and: [...] }`, `{ or: [...] }`, `{ not: node }` or a condition
 * `{ field, op, value }`. Validated here rather than by a recursive zod schema so every mistake
 * gets a pointer to the exact node (`/filter/or/1/field`).
 */
export type FilterNode = { and: FilterNode[] } | { or: FilterNode[] } | { not: FilterNode } | FilterCondition;
export type FilterCondition = { field: string; op: string; value?: unknown };

/** Resolves a field name: the fixed fields first, then dynamic families (e.g. `attributes.<key>`). */
export type FieldResolver = (field: string, ctx: FilterContext) => Record<string, Operator> | undefined;
const dynamicResolvers: FieldResolver[] = [];
/** Lets a feature with its own columns (attributes, stages, attention) make its fields filterable. */
export const registerFieldResolver = (r: FieldResolver): void => {
  dynamicResolvers.push(r);
};
export const resolveField = (field: string, ctx: FilterContext): Record<string, Operator> | undefined =>
  Object.hasOwn(FILTER_FIELDS, field) ? FILTER_FIELDS[field] : [attributeField, ...dynamicResolvers].map((r) => r(field, ctx)).find(Boolean);

/** Compiles a tree into one SQL condition, or throws `validation_failed` listing every bad node. */
export function compileFilter(node: unknown, ctx: FilterContext, pointer = '/filter'): SQL {
  // Depth and size first, iteratively: the walk below recurses, and a breach is one error, not thousands.
  const breach = filterLimitError(node, pointer);
  if (breach) throw validationFailed([breach]);
  const errors: FieldError[] = [];
  const walk = (n: unknown, p: string): SQL => {
    if (!n || typeof n !== 'object' || Array.isArray(n)) return fail(p, 'invalid_filter', 'must be an object: {and}, {or}, {not} or {field, op, value}');
    const obj = n as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (const group of ['and', 'or'] as const) {
      if (!(group in obj)) continue;
      if (keys.length !== 1) return fail(p, 'invalid_filter', `a group has only the "${group}" key`);
      const items = obj[group];
      if (!Array.isArray(items) || items.length === 0) return fail(`${p}/${group}`, 'invalid_filter', 'must be a non-empty array');
      const parts = items.map((item, i) => walk(item, `${p}/${group}/${i}`));
      return sql`(${sql.join(parts, group === 'and' ? sql` AND ` : sql` OR `)})`;
    }
    if ('not' in obj) {
      if (keys.length !== 1) return fail(p, 'invalid_filter', 'a negation has only the "not" key');
      return sql`NOT COALESCE((${walk(obj.not, `${p}/not`)}), false)`;
    }
    const unknownKeys = keys.filter((k) => !['field', 'op', 'value'].includes(k));
    if (unknownKeys.length) return fail(`${p}/${unknownKeys[0]}`, 'unknown_field', `"${unknownKeys[0]}" is not part of a condition ({field, op, value})`);
    return condition(obj, p);
  };
  const condition = (obj: Record<string, unknown>, p: string): SQL => {
    if (typeof obj.field !== 'string') return fail(`${p}/field`, 'invalid_filter', 'field is required');
    const ops = resolveField(obj.field, ctx);
    if (!ops) return fail(`${p}/field`, 'unknown_field', `"${obj.field.slice(0, 100)}" is not a filterable field`);
    if (typeof obj.op !== 'string' || !Object.hasOwn(ops, obj.op)) {
      return fail(`${p}/op`, 'invalid_operator', `${obj.field} supports ${Object.keys(ops).join(', ')}`);
    }
    const op = ops[obj.op]!;
    const parsed = op.value.safeParse(obj.value);
    if (!parsed.success) return fail(`${p}/value`, 'invalid_value', parsed.error.issues[0]?.message ?? 'invalid value');
    return op.build(parsed.data as never, ctx, p);
  };
  const fail = (p: string, code: string, message: string): SQL => {
    errors.push({ pointer: p, code, message });
    return sql`false`;
  };
  const out = walk(node, pointer);
  if (errors.length) throw validationFailed(errors);
  return out;
}
