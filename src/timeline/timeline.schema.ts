import { z } from 'zod';
import { CallOutcome, Direction, Purpose, WhatsappType } from '../communications/communications.schema.ts';
import { DealStatus } from '../deals/deals.schema.ts';
import { Author } from '../lib/http/element-schemas.ts';
import { MeetingSource } from '../meetings/meetings.schema.ts';
import { TaskStatus } from '../tasks/tasks.schema.ts';

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
const day = z.string().meta({ description: 'A date, YYYY-MM-DD' });
const stamps = { createdAt: instant, updatedAt: instant };

/*
 * What each entry type shows in `data`: an allow-list. `timeline-sources.ts` reads exactly these
 * fields from the row (the compiler holds the two together), so a column added to a table reaches
 * clients only once it is added here, named and typed.
 */
export const TimelineDealData = z.object({
  title: z.string(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  status: DealStatus,
  expectedCloseDate: day.nullable(),
  closedAt: instant.nullable(),
  ...stamps,
});
export const TimelineMeetingData = z.object({
  title: z.string(),
  startsAt: instant,
  endsAt: instant,
  location: z.string().nullable(),
  link: z.string().nullable(),
  source: MeetingSource,
  ...stamps,
});
export const TimelineTaskData = z.object({
  title: z.string(),
  dueAt: instant.nullable(),
  assigneeId: z.uuid().nullable(),
  status: TaskStatus,
  completedAt: instant.nullable(),
  ...stamps,
});
export const TimelineCommentData = z.object({ body: z.string(), ...stamps });
export const TimelineDocumentData = z.object({
  name: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  ...stamps,
});
export const TimelineCallData = z.object({
  direction: Direction,
  outcome: CallOutcome,
  startedAt: instant,
  durationSeconds: z.number().int().nullable(),
  recordingUrl: z.string().nullable(),
  ...stamps,
});
export const TimelineEmailData = z.object({
  direction: Direction,
  from: z.string().nullable(),
  to: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  messageId: z.string().nullable(),
  threadId: z.string().nullable(),
  purpose: Purpose.nullable(),
  status: z.string().meta({ description: '`received`, `queued`, `sent` or `failed`' }),
  sentAt: instant,
  ...stamps,
});
export const TimelineWhatsappMessageData = z.object({
  direction: Direction,
  type: WhatsappType,
  body: z.string().nullable(),
  templateName: z.string().nullable(),
  templateLanguage: z.string().nullable(),
  templateVariables: z.array(z.string()).nullable(),
  mediaUrl: z.string().nullable(),
  purpose: Purpose.nullable(),
  status: z.string().meta({ description: '`received`, `queued`, `sent`, `delivered`, `read` or `failed`' }),
  providerMessageId: z.string().nullable(),
  sentAt: instant,
  ...stamps,
});

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
