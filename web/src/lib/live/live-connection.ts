/**
 * One server-sent event stream per browser (HTTP/1.1 allows about six connections per host, and
 * every tab would otherwise hold one): the tab holding the Web Lock is the leader, keeps the
 * EventSource and relays each event to the other tabs over a BroadcastChannel. When it closes,
 * the lock passes to another tab, which resumes after the last event id it heard.
 */

/** What the server sends (`LiveEvent` in the API document). */
export type LiveEvent = { type: string; id: string | null; version: number | null };

type Wire = { kind: 'event'; id: string; event: LiveEvent } | { kind: 'status'; connected: boolean } | { kind: 'hello' };

const CHANNEL = 'vixiees-live';
const LOCK = 'vixiees-live-leader';
const STREAM = '/v1/events/stream';

export type LiveHandlers = { onEvent(event: LiveEvent): void; onStatus(connected: boolean): void };

/** Joins the browser's live stream (leading it, or following the leader); returns the function that leaves. */
export function joinLiveStream(handlers: LiveHandlers): () => void {
  let stopped = false;
  let leading = false;
  let connected = false;
  let lastId: string | undefined;
  let resign: (() => void) | undefined;
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);

  const setStatus = (value: boolean) => {
    connected = value;
    handlers.onStatus(value);
    if (leading) channel?.postMessage({ kind: 'status', connected: value } satisfies Wire);
  };

  if (channel) {
    channel.onmessage = (m: MessageEvent<Wire>) => {
      const msg = m.data;
      if (msg.kind === 'event') {
        lastId = msg.id;
        handlers.onEvent(msg.event);
      } else if (msg.kind === 'status' && !leading) handlers.onStatus(msg.connected);
      else if (msg.kind === 'hello' && leading) channel.postMessage({ kind: 'status', connected } satisfies Wire);
    };
    channel.postMessage({ kind: 'hello' } satisfies Wire);
  }

  const lead = () =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      leading = true;
      let source: EventSource | undefined;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let delay = 1000;
      const connect = () => {
        if (stopped) return;
        // The browser adds Last-Event-ID itself when it reconnects; the query carries it across tabs.
        source = new EventSource(lastId ? `${STREAM}?lastEventId=${encodeURIComponent(lastId)}` : STREAM);
        source.onopen = () => {
          delay = 1000;
          setStatus(true);
        };
        source.onmessage = (m: MessageEvent<string>) => {
          const event = JSON.parse(m.data) as LiveEvent;
          if (m.lastEventId) lastId = m.lastEventId;
          handlers.onEvent(event);
          channel?.postMessage({ kind: 'event', id: m.lastEventId, event } satisfies Wire);
        };
        source.onerror = () => {
          setStatus(false);
          // CONNECTING: the browser retries by itself. CLOSED (an error status, e.g. 503): we retry, backing off.
          if (source?.readyState === EventSource.CLOSED) {
            retry = setTimeout(connect, delay);
            delay = Math.min(delay * 2, 30_000);
          }
        };
      };
      connect();
      resign = () => {
        source?.close();
        clearTimeout(retry);
        setStatus(false);
        leading = false;
        resolve();
      };
    });

  const abort = new AbortController();
  if (typeof navigator !== 'undefined' && navigator.locks) navigator.locks.request(LOCK, { signal: abort.signal }, lead).catch(() => undefined);
  else void lead();

  return () => {
    stopped = true;
    abort.abort();
    resign?.();
    channel?.close();
  };
}
