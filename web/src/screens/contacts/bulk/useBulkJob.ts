import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, unwrap, type Schemas } from '../../../lib/api.ts';

export type BulkAction = Schemas['ContactBulkAction'];
export type Job = Schemas['Job'];
/** Listed ids (what was ticked), or everything the filter and the search box match. */
export type BulkSelection = { ids: string[] } | { filter?: Record<string, unknown>; q?: string };

const finished = (job: Job | undefined) => job?.status === 'succeeded' || job?.status === 'failed';

/** Starts a bulk action and follows its job (`GET /v1/jobs/{id}`) until it ends, then refreshes the table. */
export function useBulkJob() {
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: async (body: { selection: BulkSelection; action: BulkAction }) =>
      unwrap(await api.POST('/v1/contacts/bulk', { body: body as Schemas['ContactBulkRequest'] })),
  });
  const jobId = start.data?.id;
  const job = useQuery({
    queryKey: ['jobs', jobId],
    enabled: Boolean(jobId),
    initialData: start.data,
    queryFn: async () => unwrap(await api.GET('/v1/jobs/{id}', { params: { path: { id: jobId! } } })),
    refetchInterval: (q) => (finished(q.state.data) ? false : 700),
  });
  const current = jobId ? job.data : undefined;
  const done = finished(current);
  useEffect(() => {
    if (done) void queryClient.invalidateQueries({ queryKey: ['contacts'] });
  }, [done, queryClient]);
  return { start, job: current, done, reset: start.reset };
}
