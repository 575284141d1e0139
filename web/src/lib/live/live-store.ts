import { useSyncExternalStore } from 'react';

/** A tiny external store: React components read it with `useSyncExternalStore`. */
function store<T>(initial: T) {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next: T) {
      if (Object.is(next, value)) return;
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** Whether this browser's live stream is open (then lists stop polling). */
export const liveConnected = store(false);

/**
 * Changes to the attention queue held back so the list does not reorder under the pointer: the
 * ids of the contacts concerned ('*' after a resync). The inbox's pill shows their count.
 */
export const heldQueueChanges = store<ReadonlySet<string>>(new Set());

export const holdQueueChange = (id: string) => {
  const held = heldQueueChanges.get();
  if (!held.has(id)) heldQueueChanges.set(new Set([...held, id]));
};

export const useLiveConnected = (): boolean => useSyncExternalStore(liveConnected.subscribe, liveConnected.get);
export const useHeldQueueChanges = (): ReadonlySet<string> => useSyncExternalStore(heldQueueChanges.subscribe, heldQueueChanges.get);
