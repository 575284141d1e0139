import { z } from 'zod';

/** What a live client is told: which thing changed and to what version; it refetches or patches its cache. */
export const LIVE_EVENT_TYPES = [
  'contact.created',
  'contact.changed',
  'contact.deleted',
  'attention.changed',
  'communication.recorded',
  'job.changed',
  'attributes.changed',
  'resync',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export const LiveEvent = z
  .object({
    type: z.enum(LIVE_EVENT_TYPES).meta({
      description:
        '`contact.*`: a contact was created, changed (fields, owner, stage, ignore, merge) or deleted; `attention.changed`: a contact entered or left the attention inbox; ' +
        '`communication.recorded`: a message, call or email of a contact was recorded or changed (its inbox item may show a new snippet); `job.changed`: an import or bulk job moved on; ' +
        '`attributes.changed`: attribute values were rewritten on many contacts; `resync`: too much happened (or the stream resumed from too far back) to list: refetch what you show.',
    }),
    id: z.uuid().nullable().meta({ description: 'The contact (or job, or attribute) it is about; null for `resync`' }),
    version: z.number().int().nullable().meta({ description: 'The contact\'s version now, when known: a cache already holding it need not refetch' }),
  })
  .meta({ id: 'LiveEvent', examples: [{ type: 'attention.changed', id: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41', version: 3 }] });
export type LiveEvent = z.infer<typeof LiveEvent>;

export const LiveEventStream = z.string().meta({
  id: 'LiveEventStream',
  // What each event's `data:` line holds, as JSON: OpenAPI 3.1 has no type for a stream of
  // messages, and JSON Schema's contentSchema keeps LiveEvent a referenced, generated component.
  contentSchema: { $ref: '#/components/schemas/LiveEvent' },
  description:
    'Server-sent events (`text/event-stream`), one per change in your workspace, each `id: <event id>` then `data: <LiveEvent as JSON>`; ' +
    'a `: keep-alive` comment every 15 s; `retry: 3000`. The server ends a stream after a few minutes (so a signed-out session stops receiving); ' +
    'the browser\'s EventSource reconnects by itself with `Last-Event-ID` and misses nothing that happened meanwhile (within a day). ' +
    'A client that does not ask for `text/event-stream` in `Accept` gets what happened since `Last-Event-ID` and the answer ends (a poll).',
});

export const LiveStreamQuery = z
  .object({
    lastEventId: z.uuid().optional().meta({ description: 'Resume after this event (as the `Last-Event-ID` header, which wins when both are sent): for a new tab taking over the stream' }),
  })
  .strict();
export type LiveStreamQuery = z.infer<typeof LiveStreamQuery>;
