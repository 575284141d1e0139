import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.ts';

export const PAGE = 100;

/** Keyset pages of contacts for the search box (the API searches accent-insensitively). */
export function useContactList(q: string) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', q],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/v1/contacts', {
          params: { query: { limit: PAGE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : { count: 'true' as const }) } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
