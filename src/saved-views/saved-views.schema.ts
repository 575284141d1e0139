import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';
import { FilterTree } from '../contact-lists/contact-lists.schema.ts';

const Visibility = z.enum(['private', 'shared']).meta({ description: '`private`: only its creator sees it; `shared`: the whole workspace' });
const Columns = z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,99}$/, 'a column is a field name such as lastName or attributes.budget')).max(50);

export const SavedViewCreate = z
  .object({
    name: singleLineText(120).trim().min(1),
    filter: FilterTree.nullish(),
    sort: z.string().max(100).default('-createdAt'),
    columns: Columns.default([]),
    visibility: Visibility.default('private'),
  })
  .strict().meta({ id: 'SavedViewCreate' });
export type SavedViewCreate = z.infer<typeof SavedViewCreate>;

export const SavedViewUpdate = z
  .object({
    name: singleLineText(120).trim().min(1).optional(),
    filter: FilterTree.nullish(),
    sort: z.string().max(100).optional(),
    columns: Columns.optional(),
    visibility: Visibility.optional(),
  })
  .strict().meta({ id: 'SavedViewUpdate' });
export type SavedViewUpdate = z.infer<typeof SavedViewUpdate>;

export const SavedView = z.object({
  id: z.uuid(),
  name: z.string(),
  filter: z.record(z.string(), z.unknown()).nullable(),
  sort: z.string(),
  columns: z.array(z.string()),
  visibility: Visibility,
  mine: z.boolean().meta({ description: 'Created by the caller (user, or API key without a user)' }),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'SavedView' });
export type SavedView = z.infer<typeof SavedView>;
