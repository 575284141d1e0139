import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.ts';

export const QUEUE_KEY = ['attention-queue'] as const;

/** The first 50 pending contacts, longest waiting first; polled every 15 s. */
export function useAttentionQueue(ownerId: string | undefined) {
  return useQuery({
    queryKey: [...QUEUE_KEY, ownerId ?? 'all'],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/attention-queue', { params: { query: { limit: 50, ...(ownerId ? { ownerId } : {}) } }, signal })),
    refetchInterval: 15_000,
    refetchOnWindowFocus: true,
  });
}
