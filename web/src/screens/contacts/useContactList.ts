import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api.ts';
import type { FieldName, TableContact } from './columns.tsx';
import type { FilterTree } from './url-state.ts';

export const PAGE = 100;

/**
 * Keyset pages of `POST /v1/contacts/search`: the filter tree, the search box (accent-insensitive)
 * and the sort, all done by the server. A new key aborts the previous request (TanStack's signal).
 * Light pages: each contact carries only `fields`, the members the shown columns read.
 */
export function useContactList(req: { q: string; filter?: FilterTree; sort?: string; fields: FieldName[] }) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', req],
    initialPageParam: undefined as string | undefined,
    placeholderData: keepPreviousData,
    queryFn: async ({ pageParam, signal }) => {
      const page = unwrap(
        await api.POST('/v1/contacts/search', {
          body: {
            limit: PAGE,
            ...(req.q ? { q: req.q } : {}),
            // The tree is checked by the server (errors point at the node), not re-typed here.
            ...(req.filter ? { filter: req.filter as Schemas['ContactSearch']['filter'] } : {}),
            ...(req.sort ? { sort: req.sort } : {}),
            ...(pageParam ? { cursor: pageParam } : {}),
            count: !pageParam,
            deleted: false,
            fields: req.fields,
          },
          signal,
        }),
      );
      // Asked with ROW_FIELDS among `fields`, so every row carries those (ContactFields says only `id`).
      return { ...page, data: page.data as TableContact[] };
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
