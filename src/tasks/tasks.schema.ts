import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';
import { Author, Instant } from '../lib/http/element-schemas.ts';

export const TaskStatus = z.enum(['pending', 'done']);

const title = singleLineText(500).trim().min(1, { message: 'must not be empty' });

export const TaskCreate = z
  .object({
    title,
    dueAt: Instant.nullish(),
    assigneeId: z.uuid().nullish().meta({ description: 'A user of the workspace' }),
    status: TaskStatus.optional().meta({ description: 'Defaults to `pending`' }),
  })
  .strict()
  .meta({ id: 'TaskCreate', examples: [{ title: 'Call back about the quote', dueAt: '2026-11-25T10:00:00.000Z', assigneeId: null }] });
export type TaskCreate = z.infer<typeof TaskCreate>;

export const TaskUpdate = z
  .object({
    title: title.optional(),
    dueAt: Instant.nullish(),
    assigneeId: z.uuid().nullish(),
    status: TaskStatus.optional().meta({ description: '`done` sets `completedAt`; back to `pending` clears it' }),
  })
  .strict().meta({ id: 'TaskUpdate' });
export type TaskUpdate = z.infer<typeof TaskUpdate>;

export const Task = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  title: z.string(),
  dueAt: z.string().nullable(),
  assigneeId: z.uuid().nullable(),
  status: TaskStatus,
  completedAt: z.string().nullable(),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Task' });
export type Task = z.infer<typeof Task>;
