import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AttributeFilter, attributeCondition, attributeSortExpression } from '../attributes/attribute-filter.ts';
import type { FieldOps, FilterContext, Operator, SortSpec } from './field-types.ts';

const Uuid = z.uuid();
const UuidList = z.array(z.uuid()).min(1).max(1000);
const Seconds = z.number().int().min(0).max(100 * 365 * 86400);
const ago = (ctx: FilterContext, seconds: number) => new Date(ctx.now.getTime() - seconds * 1000).toISOString();
const uuidIn = (column: string, v: string[]) => sql`${sql.raw(column)} IN (${sql.join(v.map((x) => sql`${x}::uuid`), sql`, `)})`;

/** Playbook, stage and time in stage (playbooks feature, migration 0400). */
export const STAGE_FIELDS: Record<string, FieldOps> = {
  playbookId: {
    eq: { value: Uuid, build: (v: string) => sql`contacts.playbook_id = ${v}::uuid` },
    in: { value: UuidList, build: (v: string[]) => uuidIn('contacts.playbook_id', v) },
    isEmpty: { value: z.boolean(), build: (v: boolean) => (v ? sql`contacts.playbook_id IS NULL` : sql`contacts.playbook_id IS NOT NULL`) },
  },
  stageId: {
    eq: { value: Uuid, build: (v: string) => sql`contacts.stage_id = ${v}::uuid` },
    in: { value: UuidList, build: (v: string[]) => uuidIn('contacts.stage_id', v) },
  },
  // Seconds in the current stage, against the injected clock: gte 86400 = "in this stage 1 day or more".
  timeInStage: {
    gte: { value: Seconds, build: (v: number, ctx: FilterContext) => sql`contacts.stage_entered_at <= ${ago(ctx, v)}::timestamptz` },
    lte: { value: Seconds, build: (v: number, ctx: FilterContext) => sql`contacts.stage_entered_at >= ${ago(ctx, v)}::timestamptz` },
  },
};

/** `attributes.<key>`: delegated to the attributes feature, which validates against the definition. */
export function attributeField(field: string, ctx: FilterContext): FieldOps | undefined {
  if (!field.startsWith('attributes.')) return undefined;
  const def = ctx.attributes?.get(field.slice('attributes.'.length));
  if (!def) return undefined;
  const op = (name: AttributeFilter['op']): Operator => ({
    value: z.unknown(),
    build: (value: unknown, _ctx: FilterContext, pointer: string) => attributeCondition(def, { key: def.key, op: name, value }, pointer),
  });
  return Object.fromEntries((['eq', 'in', 'contains_any', 'contains_all', 'gte', 'lte', 'between', 'is_empty'] as const).map((n) => [n, op(n)]));
}

/** Sorts the stage and attribute features make possible; `invert` turns "time in" into "entered at". */
export function stageOrAttributeSort(name: string, ctx: FilterContext): SortSpec | undefined {
  if (name === 'timeInStage') return { expr: sql`contacts.stage_entered_at`, type: 'timestamptz', nullable: true, invert: true };
  if (name === 'stageEnteredAt') return { expr: sql`contacts.stage_entered_at`, type: 'timestamptz', nullable: true };
  if (!name.startsWith('attributes.')) return undefined;
  const def = ctx.attributes?.get(name.slice('attributes.'.length));
  // A multi-select has no order: it is simply not a sort.
  if (!def || def.type === 'multi_select') return undefined;
  return { expr: attributeSortExpression(def), type: 'jsonb', nullable: true };
}
