import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError } from '../lib/errors.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { toLiveEvent } from './live-events.ts';
import { newestOutboxId, outboxAfter, type OutboxEntry } from './live.repo.ts';
import type { LiveEvent } from './live.schema.ts';

/** One event with the id a client resumes after (`Last-Event-ID`): the outbox row's. */
export type LiveMessage = { id: string; event: LiveEvent };
/** Where a stream's events go, and how the service ends it (at shutdown). */
export type LiveSink = { send(messages: LiveMessage[]): void; close(): void };

export type LiveDeps = { db: Db; clock: Clock; maxStreams?: number; pollMs?: number };

/** More rows than this in one read: the client is told to refetch (`resync`) instead of hearing each. */
const BATCH = 500;
/**
 * Outbox ids are stamped when a transaction starts, so a row may commit a little after a newer
 * one. Every poll re-reads this much behind its cursor and skips the ids it has seen, so a
 * transaction committing up to this late is still relayed.
 */
const LATE_COMMIT_MS = 5_000;
/** Published outbox rows are purged after a day (outbox-relay.ts): an older `Last-Event-ID` cannot be replayed. */
const RESUME_WINDOW_MS = 23 * 3600_000;

/** The millisecond time inside a UUIDv7. */
export const timeOfId = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
/** The smallest UUIDv7 of a millisecond (random bits all zero): every id made in or after it sorts at or above it. */
export const floorId = (ms: number): string => {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
};

type Feed = {
  workspaceId: string;
  listeners: Set<(messages: LiveMessage[]) => void>;
  /** Ids read in the late-commit window, so a re-read relays each row once. */
  seen: Map<string, number>;
  cursor: string;
  ready: Promise<void>;
};

const messagesOf = (rows: OutboxEntry[]): LiveMessage[] =>
  rows.flatMap((r) => {
    const event = toLiveEvent(r);
    return event ? [{ id: r.id, event }] : [];
  });
const resync = (id: string): LiveMessage => ({ id, event: { type: 'resync', id: null, version: null } });

/**
 * Live events for the web app: one poller per process reads the outbox of each workspace that has
 * a stream open (in that workspace's tenant scope) and relays new rows to its streams. Works the
 * same on the embedded database and on PostgreSQL, with no connection held per stream.
 */
export function makeLiveService(deps: LiveDeps) {
  const { db, clock } = deps;
  const maxStreams = deps.maxStreams ?? 200;
  const feeds = new Map<string, Feed>();
  const sinks = new Set<LiveSink>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  const read = (workspaceId: string, after: string, limit: number) => inWorkspace(workspaceId, () => outboxAfter(db, workspaceId, after, limit));
  const newest = (workspaceId: string) => inWorkspace(workspaceId, () => newestOutboxId(db, workspaceId));

  /** Marks what the late-commit window holds as seen, without relaying it (a new feed, or after a resync). */
  async function prime(feed: Feed, cursor: string) {
    feed.cursor = cursor;
    feed.seen.clear();
    for (const r of await read(feed.workspaceId, floorId(timeOfId(cursor) - LATE_COMMIT_MS), BATCH + 1)) feed.seen.set(r.id, timeOfId(r.id));
  }

  async function poll(feed: Feed) {
    const rows = await read(feed.workspaceId, floorId(timeOfId(feed.cursor) - LATE_COMMIT_MS), BATCH + 1);
    if (rows.length > BATCH) {
      const last = (await newest(feed.workspaceId)) ?? rows.at(-1)!.id;
      await prime(feed, last);
      for (const l of feed.listeners) l([resync(last)]);
      return;
    }
    const fresh = rows.filter((r) => !feed.seen.has(r.id));
    for (const r of fresh) feed.seen.set(r.id, timeOfId(r.id));
    const last = rows.at(-1);
    if (last && last.id > feed.cursor) feed.cursor = last.id;
    const horizon = timeOfId(feed.cursor) - LATE_COMMIT_MS - 1000;
    for (const [id, at] of feed.seen) if (at < horizon) feed.seen.delete(id);
    const messages = messagesOf(fresh);
    if (messages.length) for (const l of feed.listeners) l(messages);
  }

  async function tick() {
    if (polling) return;
    polling = true;
    try {
      for (const feed of [...feeds.values()]) {
        await feed.ready;
        await poll(feed).catch(() => undefined); // a failed read is retried at the next tick
      }
    } finally {
      polling = false;
    }
  }

  function feedFor(workspaceId: string): Feed {
    const existing = feeds.get(workspaceId);
    if (existing) return existing;
    const created: Feed = { workspaceId, listeners: new Set(), seen: new Map(), cursor: floorId(clock.now().getTime()), ready: Promise.resolve() };
    created.ready = newest(workspaceId).then((id) => prime(created, id ?? floorId(clock.now().getTime())));
    feeds.set(workspaceId, created);
    if (!timer) {
      timer = setInterval(() => void tick(), deps.pollMs ?? 500);
      timer.unref();
    }
    return created;
  }

  function release(feed: Feed, listener: (m: LiveMessage[]) => void) {
    if (!feed.listeners.delete(listener)) return;
    if (feed.listeners.size === 0 && feeds.get(feed.workspaceId) === feed) feeds.delete(feed.workspaceId);
    if (feeds.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /** What happened after `lastEventId`, or one `resync` when that is too much or too long ago to list. */
  async function since(workspaceId: string, lastEventId: string): Promise<LiveMessage[]> {
    if (clock.now().getTime() - timeOfId(lastEventId) > RESUME_WINDOW_MS) return [resync((await newest(workspaceId)) ?? lastEventId)];
    const rows = await read(workspaceId, lastEventId, BATCH + 1);
    if (rows.length > BATCH) return [resync((await newest(workspaceId)) ?? rows.at(-1)!.id)];
    return messagesOf(rows);
  }

  return {
    /** The events after `lastEventId` in the actor's workspace, for a client that polls. */
    since: (actor: Actor, lastEventId: string) => since(actor.workspaceId, lastEventId),

    /**
     * Opens a stream of the actor's workspace: first what happened after `lastEventId` (if given),
     * then every change as it commits. Returns the function that ends it. At most `maxStreams`
     * per process (503 beyond: the browser retries), since each holds a socket.
     */
    async open(actor: Actor, lastEventId: string | undefined, sink: LiveSink): Promise<() => void> {
      if (sinks.size >= maxStreams) {
        throw new AppError('too_many_streams', `This server already serves ${maxStreams} live streams; retry in a few seconds`, { status: 503 });
      }
      sinks.add(sink);
      const feed = feedFor(actor.workspaceId);
      // Listen before replaying, holding what arrives meanwhile, so nothing falls between the two.
      let held: LiveMessage[] | null = [];
      const replayed = new Set<string>();
      const listener = (messages: LiveMessage[]) => {
        if (held) held.push(...messages);
        else {
          const fresh = messages.filter((m) => !replayed.has(m.id));
          if (fresh.length) sink.send(fresh);
        }
      };
      feed.listeners.add(listener);
      const end = () => {
        sinks.delete(sink);
        release(feed, listener);
      };
      try {
        await feed.ready;
        const replay = lastEventId ? await since(actor.workspaceId, lastEventId) : [];
        for (const m of replay) replayed.add(m.id);
        const pending = held.filter((m) => !replayed.has(m.id));
        held = null;
        if (replay.length) sink.send(replay);
        if (pending.length) sink.send(pending);
      } catch (err) {
        end();
        throw err;
      }
      return end;
    },

    /** Streams open in this process (for tests and metrics). */
    openStreams: () => sinks.size,

    /** Ends every stream (server shutdown): clients reconnect to another process or after the restart. */
    closeAll() {
      for (const s of [...sinks]) s.close();
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type LiveService = ReturnType<typeof makeLiveService>;
