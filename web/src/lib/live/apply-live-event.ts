import type { QueryClient } from '@tanstack/react-query';
import { QUEUE_KEY } from '../../screens/inbox/useAttentionQueue.ts';
import type { LiveEvent } from './live-connection.ts';
import { holdQueueChange } from './live-store.ts';

/** Events that change what the attention queue shows (who is in it, in what order, which snippet). */
const QUEUE_TYPES = new Set(['attention.changed', 'communication.recorded', 'contact.deleted']);
const isQueue = (key: readonly unknown[]) => key[0] === QUEUE_KEY[0];

type Versioned = { version?: unknown };
type QueuePage = { data?: { id: string }[] };

/**
 * Brings the caches up to date with one event. Queries about the thing itself (its page, its
 * timeline, a job's progress: any key holding its id) refetch now, unless a contact's cache
 * already holds the version announced. The attention queue is held back behind the inbox's pill;
 * other lists are only marked stale, so they refresh when next shown rather than under the pointer.
 */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  if (event.type === 'resync') {
    holdQueueChange('*');
    void queryClient.invalidateQueries({ predicate: (q) => !isQueue(q.queryKey) });
    return;
  }
  const id = event.id;
  if (!id) return;
  void queryClient.invalidateQueries({
    predicate: (q) => {
      if (isQueue(q.queryKey) || !q.queryKey.includes(id)) return false;
      const cached = (q.state.data as Versioned | undefined)?.version;
      const sameVersion = event.type === 'contact.changed' && event.version !== null && typeof cached === 'number' && cached >= event.version;
      return !sameVersion;
    },
  });
  if (event.type.startsWith('contact.')) void queryClient.invalidateQueries({ queryKey: ['contacts'], refetchType: 'none' });
  const inQueue = () => queryClient.getQueriesData<QueuePage>({ queryKey: QUEUE_KEY }).some(([, page]) => page?.data?.some((c) => c.id === id));
  if (QUEUE_TYPES.has(event.type) || (event.type === 'contact.changed' && inQueue())) holdQueueChange(id);
}

/** Shows the held queue changes: the queue refetches in its sorted order. */
export function applyHeldQueueChanges(queryClient: QueryClient, clear: () => void): void {
  clear();
  void queryClient.invalidateQueries({ queryKey: QUEUE_KEY });
}
