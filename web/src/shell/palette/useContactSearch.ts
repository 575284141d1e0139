import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Contact } from '../../lib/api.ts';

const DEBOUNCE_MS = 150;
const HITS = 8;

/** The first 8 contacts the search API finds for what is typed (accents ignored by the server), 150 ms after typing stops. */
export function useContactSearch(text: string) {
  const [q] = useDebouncedValue(text.trim(), DEBOUNCE_MS);
  const query = useQuery({
    queryKey: ['palette-search', q],
    // Without `fields=` the page holds whole contacts (the documented union also covers light pages).
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/contacts', { params: { query: { q, limit: HITS } }, signal })).data as Contact[],
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  return { hits: q ? (query.data ?? []) : [], searching: text.trim() !== q || query.isFetching, failed: query.isError, q };
}
