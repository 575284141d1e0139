import { z } from 'zod';
import { Comment } from '../comments/comments.schema.ts';
import { Call, Email, WhatsappMessage } from '../communications/communications.schema.ts';
import { Deal } from '../deals/deals.schema.ts';
import { Document } from '../documents/documents.schema.ts';
import { Author } from '../lib/http/element-schemas.ts';
import { Meeting } from '../meetings/meetings.schema.ts';
import { Task } from '../tasks/tasks.schema.ts';

export const TimelineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    type: z
      .string()
      .regex(/^[a-z_.]+(,[a-z_.]+)*$/, { message: 'comma-separated item types like deal,call,contact.updated' })
      .max(500)
      .optional()
      .meta({ description: 'Only these types; a family name (`contact`) matches all of its types (`contact.updated`…)' }),
  })
  .strict();
export type TimelineQuery = z.infer<typeof TimelineQuery>;

const instant = z.string().meta({ description: 'ISO 8601 in UTC with milliseconds' });

/** What the element's own resource has that an entry carries elsewhere (id, actor) or not at all. */
const NOT_IN_DATA = { id: true, contactId: true, author: true, version: true } as const;

/*
 * What each entry type shows in `data`: an allow-list, the element's resource as the API
 * presents it, less what the entry carries itself. `timeline-sources.ts` reads exactly these
 * fields from the row (the compiler holds the two together), so a field added to a resource
 * reaches the timeline only once its column is mapped there.
 */
export const TimelineDealData = Deal.omit(NOT_IN_DATA);
export const TimelineMeetingData = Meeting.omit(NOT_IN_DATA);
export const TimelineTaskData = Task.omit(NOT_IN_DATA);
export const TimelineCommentData = Comment.omit(NOT_IN_DATA);
// A document's download link is for the document route; the timeline names the file.
export const TimelineDocumentData = Document.omit({ ...NOT_IN_DATA, contentUrl: true });
export const TimelineCallData = Call.omit(NOT_IN_DATA);
export const TimelineEmailData = Email.omit(NOT_IN_DATA);
export const TimelineWhatsappMessageData = WhatsappMessage.omit(NOT_IN_DATA);

const entry = <T extends string, D extends z.ZodType>(id: string, type: T, data: D, description: string) =>
  z
    .object({ id: z.uuid(), type: z.literal(type), occurredAt: instant, actor: Author, data })
    .meta({ id, description });

export const TimelineDeal = entry('TimelineDeal', 'deal', TimelineDealData, 'A deal, at its creation');
export const TimelineMeeting = entry('TimelineMeeting', 'meeting', TimelineMeetingData, 'A meeting, at the time it was booked');
export const TimelineTask = entry('TimelineTask', 'task', TimelineTaskData, 'A task, at its creation');
export const TimelineComment = entry('TimelineComment', 'comment', TimelineCommentData, 'An internal note');
export const TimelineDocument = entry('TimelineDocument', 'document', TimelineDocumentData, 'An uploaded document');
export const TimelineCall = entry('TimelineCall', 'call', TimelineCallData, 'A call, at the time it started');
export const TimelineEmail = entry('TimelineEmail', 'email', TimelineEmailData, 'An email, at the time it was sent');
export const TimelineWhatsappMessage = entry('TimelineWhatsappMessage', 'whatsapp_message', TimelineWhatsappMessageData, 'A WhatsApp message, at the time it was sent');

export const TimelineContactEvent = z
  .object({
    id: z.uuid(),
    type: z
      .string()
      .regex(/^contact\.[a-z_]+$/)
      .meta({ description: '`contact.created`, `contact.updated`, `contact.consent_changed`, `contact.stage_changed`, `contact.ignored`, `contact.merged`…' }),
    occurredAt: instant,
    actor: Author,
    data: z.record(z.string(), z.unknown()).meta({ description: 'What changed, as recorded with the change (`contact.updated`: `{ fields }`)' }),
  })
  .meta({ id: 'TimelineContactEvent', description: "A change to the contact itself" });

/** Contact events last: their `type` is a pattern, the others' a literal. */
export const TimelineItem = z
  .union([
    TimelineDeal,
    TimelineMeeting,
    TimelineTask,
    TimelineComment,
    TimelineDocument,
    TimelineCall,
    TimelineEmail,
    TimelineWhatsappMessage,
    TimelineContactEvent,
  ])
  .meta({ id: 'TimelineItem', description: 'One thing that happened to a contact; `type` tells which and the shape of `data`' });
export type TimelineItem = z.infer<typeof TimelineItem>;
