import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api.ts';
import { QUEUE_KEY } from '../inbox/useAttentionQueue.ts';

export const contactKey = (id: string) => ['contact', id] as const;
export const timelineKey = (id: string) => ['timeline', id] as const;

export function useContact(id: string) {
  return useQuery({
    queryKey: contactKey(id),
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/contacts/{id}', { params: { path: { id } }, signal })),
    refetchInterval: 30_000,
  });
}

/** After anything is sent or logged: the contact (chips), its timeline and the queue. */
export function useRefreshContact(id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: contactKey(id) });
    void queryClient.invalidateQueries({ queryKey: timelineKey(id) });
    void queryClient.invalidateQueries({ queryKey: QUEUE_KEY });
    void queryClient.invalidateQueries({ queryKey: ['contacts'] });
  };
}
