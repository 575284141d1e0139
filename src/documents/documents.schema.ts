import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';
import { Author } from '../lib/http/element-schemas.ts';

export const DocumentUpdate = z
  .object({ name: singleLineText(255).trim().min(1, { message: 'must not be empty' }).meta({ description: 'File name shown and used on download' }) })
  .partial()
  .strict().meta({ id: 'DocumentUpdate' });
export type DocumentUpdate = z.infer<typeof DocumentUpdate>;

export const Document = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string().meta({ description: 'Hex SHA-256 of the content' }),
  contentUrl: z.string().meta({ description: 'Where to download the content' }),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Document' });
export type Document = z.infer<typeof Document>;
