import type { SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { AttributeDefinition } from '../attributes/attribute-values.ts';

// The types every filter field and sort key shares. They live apart from filter-fields.ts and
// keyset.ts so that stage-fields.ts and attention-fields.ts, which those two import, need not
// import them back (that made a four-file import circle).

/**
 * What a filter needs to know besides its value: the tenant, the phone country, the time (time in
 * stage, window) and the workspace's attribute definitions (loaded only when a filter names one).
 */
export type FilterContext = { workspaceId: string; country: string; now: Date; attributes?: ReadonlyMap<string, AttributeDefinition> };

/** One operator of a field: the shape of its value and the SQL it becomes (`pointer` names the node). */
export type Operator = { value: z.ZodType; build(value: never, ctx: FilterContext, pointer: string): SQL };
export type FieldOps = Record<string, Operator>;

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
