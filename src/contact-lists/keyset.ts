import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../lib/errors.ts';
import type { CursorKey } from '../lib/pagination.ts';
import type { FilterContext, SortSpec } from './field-types.ts';
import { stageOrAttributeSort } from './stage-fields.ts';
import { ATTENTION_SORTS } from './attention-fields.ts';

export type { SortSpec };

const SORTS: Record<string, SortSpec> = {
  createdAt: { expr: sql`contacts.created_at`, type: 'timestamptz', nullable: false },
  updatedAt: { expr: sql`contacts.updated_at`, type: 'timestamptz', nullable: false },
  // Folded names (accents and case removed, byte order): the same order on PGlite and PostgreSQL.
  lastName: { expr: sql`contacts.sort_last_name`, type: 'text', nullable: false },
  firstName: { expr: sql`contacts.sort_first_name`, type: 'text', nullable: false },
  ...ATTENTION_SORTS,
};

/** Resolves sort names a feature adds with its own columns (time in stage, attributes…). */
export type SortResolver = (name: string, ctx: FilterContext) => SortSpec | undefined;
const resolvers: SortResolver[] = [];
export const registerSortResolver = (r: SortResolver): void => {
  resolvers.push(r);
};
export const SORT_NAMES = (): string[] => Object.keys(SORTS);

/**
 * `-updatedAt` → descending updatedAt. `relevance` (search only) is exact identifier matches
 * first, then newest first: the caller puts the exact ones on the first page.
 */
export function resolveSort(sort: string, pointer: string, ctx: FilterContext, searching = false): { spec: SortSpec; desc: boolean; name: string } {
  const dash = sort.startsWith('-');
  const name = dash ? sort.slice(1) : sort;
  const spec =
    name === 'relevance' && searching && !dash
      ? { ...SORTS.createdAt!, invert: true }
      : Object.hasOwn(SORTS, name)
        ? SORTS[name]
        : [stageOrAttributeSort, ...resolvers].map((r) => r(name, ctx)).find(Boolean);
  if (!spec) {
    throw new AppError('validation_failed', `Unknown sort "${sort.slice(0, 100)}"`, {
      errors: [{ pointer, code: 'invalid_sort', message: `sort by ${[...Object.keys(SORTS), 'timeInStage', 'stageEnteredAt', 'attributes.<key>', ...(searching ? ['relevance'] : [])].join(', ')} (prefix - for descending)` }],
    });
  }
  return { spec, desc: spec.invert ? !dash : dash, name: sort };
}

/**
 * A nullable sort is read in two index-friendly parts: the rows with a value (ordered by it), then
 * the rows without one (ordered by id). `OR expr IS NULL` in one query would defeat the index.
 */
export type Part = 'values' | 'nulls';

/** The parts a page may read, given the cursor: once past the values, only the NULLs are left. */
export function partsFor(spec: SortSpec, key: CursorKey | undefined, valuesOnly = false): Part[] {
  if (!spec.nullable || valuesOnly) return ['values'];
  return key && key.v === null ? ['nulls'] : ['values', 'nulls'];
}

/** ORDER BY for one part, ties broken by id in the same direction. */
export function orderBy(spec: SortSpec, desc: boolean, part: Part = 'values'): SQL {
  const dir = desc ? sql`DESC` : sql`ASC`;
  return part === 'nulls' ? sql`contacts.id ${dir}` : sql`${spec.expr} ${dir}, contacts.id ${dir}`;
}

/** The rows of one part strictly after the cursor's row. */
export function partCondition(spec: SortSpec, desc: boolean, part: Part, key: CursorKey | undefined): SQL | undefined {
  const cmp = desc ? sql`<` : sql`>`;
  if (key?.v === null && !spec.nullable) throw badCursor();
  if (part === 'nulls') return key?.v === null ? sql`${spec.expr} IS NULL AND contacts.id ${cmp} ${key.id}::uuid` : sql`${spec.expr} IS NULL`;
  const notNull = spec.nullable ? sql`${spec.expr} IS NOT NULL` : undefined;
  if (!key) return notNull;
  const row = sql`(${spec.expr}, contacts.id) ${cmp} (${`${key.v}`}::${sql.raw(spec.type)}, ${key.id}::uuid)`;
  return notNull ? sql`${notNull} AND ${row}` : row;
}

const badCursor = () =>
  new AppError('invalid_cursor', 'The cursor is malformed or belongs to another list; start again without it', {
    errors: [{ pointer: '/cursor', code: 'invalid_cursor', message: 'not a cursor of this list' }],
  });
