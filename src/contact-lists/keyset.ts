import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../lib/errors.ts';
import type { CursorKey } from '../lib/pagination.ts';
import type { FilterContext } from './filter-fields.ts';
import { stageOrAttributeSort } from './stage-fields.ts';
import { ATTENTION_SORTS } from './attention-fields.ts';

/**
 * A sort key: an expression, the type its cursor value is cast back to, and whether it may be
 * NULL (NULLs always come last, in both directions). The tie-break is always the id.
 */
export type SortSpec = {
  expr: SQL;
  type: 'timestamptz' | 'text' | 'numeric' | 'date' | 'int' | 'boolean' | 'jsonb';
  nullable: boolean;
  /** "Time in stage" ascending is "entered the stage" descending. */
  invert?: boolean;
};

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

/** ORDER BY for the spec, ties broken by id in the same direction. */
export function orderBy(spec: SortSpec, desc: boolean): SQL {
  const dir = desc ? sql`DESC` : sql`ASC`;
  const nulls = spec.nullable ? sql` NULLS LAST` : sql``;
  return sql`${spec.expr} ${dir}${nulls}, contacts.id ${dir}`;
}

/** Rows strictly after the cursor's row in this order. */
export function afterCursor(spec: SortSpec, desc: boolean, key: CursorKey): SQL {
  const cmp = desc ? sql`<` : sql`>`;
  const id = sql`${key.id}::uuid`;
  if (key.v === null) {
    if (!spec.nullable) throw badCursor();
    return sql`(${spec.expr} IS NULL AND contacts.id ${cmp} ${id})`;
  }
  const v = sql`${String(key.v)}::${sql.raw(spec.type)}`;
  const row = sql`(${spec.expr}, contacts.id) ${cmp} (${v}, ${id})`;
  return spec.nullable ? sql`(${row} OR ${spec.expr} IS NULL)` : row;
}

const badCursor = () =>
  new AppError('invalid_cursor', 'The cursor is malformed or belongs to another list; start again without it', {
    errors: [{ pointer: '/cursor', code: 'invalid_cursor', message: 'not a cursor of this list' }],
  });
