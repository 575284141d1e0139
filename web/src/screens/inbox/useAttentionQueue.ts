import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.ts';
import { useLiveConnected } from '../../lib/live/live-store.ts';

export const QUEUE_KEY = ['attention-queue'] as const;

/** The first 50 pending contacts, longest waiting first; polled every 15 s unless the live stream is open (its changes wait behind the pill). */
export function useAttentionQueue(ownerId: string | undefined) {
  const live = useLiveConnected();
  return useQuery({
    queryKey: [...QUEUE_KEY, ownerId ?? 'all'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/attention-queue', { params: { query: { limit: 50, ...(ownerId ? { ownerId } : {}) } }, signal })),
    refetchInterval: live ? false : 15_000,
    refetchOnWindowFocus: !live,
  });
}
