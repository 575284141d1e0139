import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Contact } from '../../lib/api.ts';
import { useLiveConnected } from '../../lib/live/live-store.ts';

export const QUEUE_KEY = ['attention-queue'] as const;

/** The channels a contact can be waiting on (the API's `reason` filter). */
export type AttentionReason = Contact['pendingAttention']['reasons'][number]['reason'];

/** The first 50 pending contacts (of one owner, of one channel), longest waiting first; polled every 15 s unless the live stream is open (its changes wait behind the pill). */
export function useAttentionQueue(ownerId: string | undefined, reason?: AttentionReason) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...QUEUE_KEY, ownerId ?? 'all', reason ?? 'any'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/attention-queue', { params: { query: { limit: 50, ...(ownerId ? { ownerId } : {}), ...(reason ? { reason } : {}) } }, signal })),
    refetchInterval: live ? false : 15_000,
    refetchOnWindowFocus: !live,
  });
}
