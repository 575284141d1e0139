import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';
import { Contact } from '../contacts/contacts.schema.ts';

export const StageKind = z.enum(['open', 'won', 'lost']);

const name = singleLineText(100).trim().min(1);
const staleAfterDays = z.number().int().min(1).max(3650).nullable().meta({ description: 'A contact in this stage longer than this many days counts as stale on the board' });

export const StageCreate = z
  .object({ name, kind: StageKind.default('open'), staleAfterDays: staleAfterDays.optional() })
  .strict().meta({ id: 'PlaybookStageCreate' });
export type StageCreate = z.infer<typeof StageCreate>;

export const StageUpdate = z
  .object({ name: name.optional(), kind: StageKind.optional(), staleAfterDays: staleAfterDays.optional(), archived: z.boolean().optional() })
  .strict().meta({ id: 'PlaybookStageUpdate' });
export type StageUpdate = z.infer<typeof StageUpdate>;

export const PlaybookCreate = z
  .object({ name, stages: z.array(StageCreate).max(50).optional().meta({ description: 'Initial stages, in order' }) })
  .strict().meta({ id: 'PlaybookCreate' });
export type PlaybookCreate = z.infer<typeof PlaybookCreate>;

export const PlaybookUpdate = z.object({ name: name.optional(), archived: z.boolean().optional() }).strict().meta({ id: 'PlaybookUpdate' });
export type PlaybookUpdate = z.infer<typeof PlaybookUpdate>;

export const Stage = z.object({
  id: z.uuid(),
  playbookId: z.uuid(),
  name: z.string(),
  kind: StageKind,
  position: z.number().int(),
  staleAfterDays: z.number().int().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'PlaybookStage' });
export type Stage = z.infer<typeof Stage>;

export const Playbook = z.object({
  id: z.uuid(),
  name: z.string(),
  position: z.number().int(),
  archived: z.boolean(),
  stages: z.array(Stage),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Playbook' });
export type Playbook = z.infer<typeof Playbook>;

export const PlaybookListQuery = z.object({ archived: z.enum(['true', 'false', 'all']).default('false') }).strict();

export const PlaybookOrder = z.object({ playbookIds: z.array(z.uuid()).min(1).max(500) }).strict().meta({ id: 'PlaybookOrder' });
export const StageOrder = z.object({ stageIds: z.array(z.uuid()).min(1).max(50) }).strict().meta({ id: 'PlaybookStageOrder' });

export const StageParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), stageId: z.uuid({ message: 'must be a UUID' }) }).strict();

export const StageAssignment = z
  .object({ playbookId: z.uuid(), stageId: z.uuid() })
  .strict()
  .meta({ id: 'ContactStageAssignment', description: 'The stage to put the contact in; it must belong to that playbook' });
export type StageAssignment = z.infer<typeof StageAssignment>;

export const StageDuration = z.object({
  playbookId: z.uuid().nullable(),
  stageId: z.uuid(),
  name: z.string().nullable().meta({ description: 'Current name; null when the stage was deleted' }),
  seconds: z.number().int(),
  visits: z.number().int(),
  current: z.boolean(),
});
export type StageDuration = z.infer<typeof StageDuration>;

export const StageChange = z.object({
  id: z.uuid(),
  from: z.object({ playbookId: z.uuid(), stageId: z.uuid() }).nullable(),
  to: z.object({ playbookId: z.uuid(), stageId: z.uuid() }).nullable(),
  changedAt: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  source: z.string(),
});
export type StageChange = z.infer<typeof StageChange>;

export const BoardQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    sort: z.enum(['longest', 'recent']).default('longest').meta({ description: '`longest` in stage first, or `recent` arrivals first' }),
  })
  .strict();
export type BoardQuery = z.infer<typeof BoardQuery>;

export const Board = z.object({
  playbook: Playbook.omit({ stages: true }),
  columns: z.array(z.object({ stage: Stage, count: z.number().int(), staleCount: z.number().int(), contacts: z.array(Contact) })),
}).meta({ id: 'PlaybookBoard' });
export type Board = z.infer<typeof Board>;
