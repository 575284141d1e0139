import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { useLocation } from 'react-router';

/** A contact opened lately, with the name it had then (shown without a request). */
export type RecentContact = { id: string; name: string };

const KEY = 'vixiees.recentContacts';
const MAX = 10;
const UUID = /^\/contacts\/([0-9a-f-]{36})$/i;

let current: RecentContact[] = read();
const listeners = new Set<() => void>();

function read(): RecentContact[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((r): r is RecentContact => typeof r?.id === 'string' && typeof r?.name === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

function write(next: RecentContact[]) {
  current = next.slice(0, MAX);
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Storage full or disabled: recents live for this page only.
  }
  for (const l of listeners) l();
}

/** Puts a contact first among the recents (keeping a known name when none is given yet). */
export function rememberContact(id: string, name?: string) {
  const known = current.find((r) => r.id === id);
  write([{ id, name: name || known?.name || '' }, ...current.filter((r) => r.id !== id)]);
}

export const useRecentContacts = (): RecentContact[] =>
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );

type Named = { id?: string; firstName?: string; lastName?: string; email?: string | null; phone?: string | null };
const nameOf = (c: Named) => [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '';

/** Records every contact page opened, however it was reached, with its name once the page has loaded it. */
export function useRecordRecentContacts() {
  const location = useLocation();
  const queryClient = useQueryClient();
  const id = UUID.exec(location.pathname)?.[1];
  useEffect(() => {
    if (!id) return;
    const cached = queryClient.getQueryData<Named>(['contact', id]);
    rememberContact(id, cached ? nameOf(cached) : undefined);
    return queryClient.getQueryCache().subscribe((e) => {
      if (e.type !== 'updated' || e.query.queryKey[0] !== 'contact' || e.query.queryKey[1] !== id) return;
      const data = e.query.state.data as Named | undefined;
      const name = data ? nameOf(data) : '';
      if (name && current.find((r) => r.id === id)?.name !== name) write(current.map((r) => (r.id === id ? { ...r, name } : r)));
    });
  }, [id, queryClient]);
}
