import { z } from 'zod';
import { multiLineText } from '../lib/http/common-schemas.ts';
import { Author } from '../lib/http/element-schemas.ts';

const body = multiLineText(20_000).trim().min(1, { message: 'must not be empty' }).meta({ description: 'Internal note; never sent to the contact' });

export const CommentCreate = z.object({ body }).strict().meta({ id: 'CommentCreate' });
export type CommentCreate = z.infer<typeof CommentCreate>;

export const CommentUpdate = z.object({ body: body.optional() }).strict().meta({ id: 'CommentUpdate' });
export type CommentUpdate = z.infer<typeof CommentUpdate>;

export const Comment = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  body: z.string(),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Comment' });
export type Comment = z.infer<typeof Comment>;
