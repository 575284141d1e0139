import { z } from 'zod';
import { Author, Instant } from '../lib/http/element-schemas.ts';
import { HttpUrl, singleLineText } from '../lib/http/common-schemas.ts';

export const MeetingSource = z.enum(['manual', 'calendly']);

const title = singleLineText(500).trim().min(1, { message: 'must not be empty' });
const location = singleLineText(500).trim().meta({ description: 'Where: an address or a room' });
const link = HttpUrl.meta({ description: 'Video-call or booking link' });

const editable = {
  title,
  startsAt: Instant,
  endsAt: Instant.meta({ description: 'Must be after `startsAt`' }),
  location: location.nullish(),
  link: link.nullish(),
};

export const MeetingCreate = z
  .object({ ...editable, source: MeetingSource.optional().meta({ description: 'Set once; defaults to `manual`' }) })
  .strict().meta({ id: 'MeetingCreate' });
export type MeetingCreate = z.infer<typeof MeetingCreate>;

export const MeetingUpdate = z.object(editable).partial().strict().meta({ id: 'MeetingUpdate' });
export type MeetingUpdate = z.infer<typeof MeetingUpdate>;

export const Meeting = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  location: z.string().nullable(),
  link: z.string().nullable(),
  source: MeetingSource,
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Meeting' });
export type Meeting = z.infer<typeof Meeting>;
