import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api.ts';

export type Notification = Schemas['Notification'];

/** One row of the bell: a notification, or a contact's pending-attention notices collapsed into one. */
export type BellItem = {
  key: string;
  type: string;
  contactId: string | null;
  /** The notifications this row stands for, newest first. */
  ids: string[];
  newest: Notification;
  unread: boolean;
  /** Reasons across the collapsed notices (whatsapp, call, email), in order of first sight. */
  reasons: string[];
};

const KEY = ['notifications'];
const PENDING = 'contact.pending_attention';

/**
 * Pending-attention notices collapse to one row per contact (ui.md §1: per-message alerts make
 * people mute everything); the row is unread while any of its notices is.
 */
export function collapse(list: Notification[]): BellItem[] {
  const items: BellItem[] = [];
  const byContact = new Map<string, BellItem>();
  for (const n of list) {
    const reasons = ((n.data.reasons as { reason: string }[] | undefined) ?? []).map((r) => r.reason);
    const grouped = n.type === PENDING && n.contactId ? byContact.get(n.contactId) : undefined;
    if (grouped) {
      grouped.ids.push(n.id);
      grouped.unread ||= n.readAt === null;
      for (const r of reasons) if (!grouped.reasons.includes(r)) grouped.reasons.push(r);
      continue;
    }
    const item: BellItem = { key: n.type === PENDING && n.contactId ? `contact:${n.contactId}` : n.id, type: n.type, contactId: n.contactId, ids: [n.id], newest: n, unread: n.readAt === null, reasons };
    if (n.type === PENDING && n.contactId) byContact.set(n.contactId, item);
    items.push(item);
  }
  return items;
}

/** The newest 100 notifications, polled every 30 s (the event stream, when it comes, will push instead). */
export function useNotifications() {
  const q = useQuery({
    queryKey: KEY,
    queryFn: async () => unwrap(await api.GET('/v1/notifications', { params: { query: { limit: 100 } } })).data,
    refetchInterval: 30_000,
  });
  const items = q.data ? collapse(q.data) : [];
  return { ...q, items, unread: items.filter((i) => i.unread).length };
}

/** Marks a row read (a collapsed contact row: all of that contact's notices), or every row. */
export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (item: BellItem | 'all') => {
      if (item === 'all') return unwrap(await api.POST('/v1/notifications/read-all', { body: {} }));
      if (item.type === PENDING && item.contactId) return unwrap(await api.POST('/v1/notifications/read-all', { body: { contactId: item.contactId } }));
      return unwrap(await api.POST('/v1/notifications/{id}/read', { params: { path: { id: item.ids[0]! } } }));
    },
    onMutate: async (item) => {
      // Optimistic: the dot and the count go at once; the refetch below settles it.
      await queryClient.cancelQueries({ queryKey: KEY });
      const before = queryClient.getQueryData<Notification[]>(KEY);
      const ids = item === 'all' ? undefined : new Set(item.ids);
      const at = new Date().toISOString();
      queryClient.setQueryData<Notification[]>(KEY, (list) => list?.map((n) => (n.readAt === null && (!ids || ids.has(n.id) || (item !== 'all' && item.type === PENDING && n.contactId === item.contactId)) ? { ...n, readAt: at } : n)));
      return { before };
    },
    onError: (_err, _item, ctx) => queryClient.setQueryData(KEY, ctx?.before),
    onSettled: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}
