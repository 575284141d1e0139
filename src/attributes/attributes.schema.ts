import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'single_select', 'multi_select', 'boolean'] as const;
export const AttributeType = z.enum(ATTRIBUTE_TYPES);

/** Stable, URL-safe: used in API bodies, filters and sort parameters, never renamed. */
export const ATTRIBUTE_KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;

export const AttributeOption = z
  .object({
    value: singleLineText(100).trim().min(1).meta({ description: 'Stable value stored on contacts' }),
    label: singleLineText(200).trim().min(1),
  })
  .strict();

const options = z.array(AttributeOption).max(500);
const label = singleLineText(200).trim().min(1);

export const AttributeCreate = z
  .object({
    key: z.string().regex(ATTRIBUTE_KEY_RE, { message: 'must start with a-z and use only a-z, 0-9 and _ (at most 63)' }),
    label,
    type: AttributeType,
    options: options.optional().meta({ description: 'Required for single_select and multi_select; values unique' }),
    required: z.boolean().default(false),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict().meta({ id: 'ContactAttributeCreate' });
export type AttributeCreate = z.infer<typeof AttributeCreate>;

export const AttributeUpdate = z
  .object({ label: label.optional(), type: AttributeType.optional(), options: options.optional(), required: z.boolean().optional(), position: z.number().int().min(0).max(10_000).optional() })
  .strict().meta({ id: 'ContactAttributeUpdate' });
export type AttributeUpdate = z.infer<typeof AttributeUpdate>;

export const ChangeModeQuery = z
  .object({ mode: z.enum(['convert', 'clear']).optional().meta({ description: 'What to do with stored values the change would invalidate: convert them, or clear them' }) })
  .strict();
export type ChangeMode = z.infer<typeof ChangeModeQuery>['mode'];
export const DeleteModeQuery = z.object({ mode: z.enum(['clear']).optional().meta({ description: '`clear` removes the stored values too' }) }).strict();

export const Attribute = z.object({
  id: z.uuid(),
  key: z.string(),
  label: z.string(),
  type: AttributeType,
  options: z.array(z.object({ value: z.string(), label: z.string() })),
  required: z.boolean(),
  position: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'ContactAttribute' });
export type Attribute = z.infer<typeof Attribute>;
