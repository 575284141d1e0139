import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/authenticate.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../lib/errors.ts';
import { problemResponses } from '../lib/http/common-schemas.ts';
import { isUuid } from '../lib/ids.ts';
import type { LiveMessage } from './live.service.ts';
import { LiveEventStream, LiveStreamQuery } from './live.schema.ts';

/** A comment line every so often keeps proxies and the browser from timing the stream out. */
const HEARTBEAT_MS = 15_000;
/**
 * A stream ends after this long and the browser reconnects with `Last-Event-ID`: its session or
 * key is checked again (a signed-out user stops receiving), and streams spread over the processes.
 */
const STREAM_LIFETIME_MS = 5 * 60_000;

const format = (messages: LiveMessage[]): string => messages.map((m) => `id: ${m.id}\ndata: ${JSON.stringify(m.event)}\n\n`).join('');

export const liveRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const live = deps.services.live;
    // preClose, not onClose: an open stream is an in-flight request, and the server's close waits
    // for those, so the streams must end before it (Fastify's hook for state that holds a close up).
    app.addHook('preClose', async () => live.closeAll());

    app.get('/v1/events/stream', {
      schema: {
        operationId: 'streamEvents',
        tags: ['events'],
        summary: 'Live changes of your workspace as server-sent events (for EventSource)',
        description:
          'Every change in your workspace, as it commits, as `{type, id, version}` events (`LiveEvent`): contacts created, changed or deleted, the attention inbox, communications recorded, import and bulk jobs. ' +
          'Nothing of another workspace. Send `Accept: text/event-stream` to follow; `Last-Event-ID` (header, or `lastEventId`) resumes after an event. ' +
          'Each process serves a bounded number of streams: beyond it, 503 with `Retry-After`.',
        querystring: LiveStreamQuery,
        produces: ['text/event-stream'],
        response: { 200: LiveEventStream, ...problemResponses(400, 401, 503) },
      },
    }, async (request, reply) => {
      const actor = actorOf(request);
      const header = request.headers['last-event-id'];
      if (header !== undefined && (typeof header !== 'string' || !isUuid(header))) {
        throw new AppError('invalid_header', 'Last-Event-ID must be the id of an event this stream sent (a UUID)', {
          errors: [{ pointer: '/headers/last-event-id', code: 'invalid', message: 'not an event id' }],
        });
      }
      const lastEventId = (header as string | undefined) ?? request.query.lastEventId;
      reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        // Tells nginx-style proxies not to hold the events back in a buffer.
        .header('x-accel-buffering', 'no');

      if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
        return reply.send(lastEventId ? format(await live.since(actor, lastEventId)) : '');
      }

      const out = new PassThrough();
      let end: (() => void) | undefined;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(beat);
        clearTimeout(lifetime);
        end?.();
        out.end();
      };
      const beat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const lifetime = setTimeout(close, STREAM_LIFETIME_MS);
      out.write('retry: 3000\n: connected\n\n');
      try {
        end = await live.open(actor, lastEventId, { send: (messages) => !closed && out.write(format(messages)), close });
      } catch (err) {
        close();
        out.destroy();
        throw err;
      }
      // The client went away (tab closed, network lost): stop relaying to it.
      reply.raw.on('close', close);
      // The documented body is the event text; Fastify streams it as it is written.
      return reply.send(out as unknown as string);
    });
  };
