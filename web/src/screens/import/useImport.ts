import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api.ts';

export type Import = Schemas['Import'];
export type ColumnTarget = Schemas['ImportColumnTarget'];

export const importKey = (id: string) => ['import', id] as const;
const RUNNING = new Set(['queued', 'running']);
export const isRunning = (imp: Import | undefined): boolean => imp !== undefined && RUNNING.has(imp.status);

/** The import, polled every second while its job runs. */
export function useImport(id: string | null) {
  return useQuery({
    queryKey: importKey(id ?? ''),
    enabled: id !== null,
    queryFn: async () => unwrap(await api.GET('/v1/imports/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (q) => (isRunning(q.state.data) ? 1000 : false),
  });
}

/** Uploads the file (multipart, field `file`): the server answers the draft with its reading. */
export function useUpload(onDone: (imp: Import) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(await api.POST('/v1/imports', { body: form as never, bodySerializer: (b: unknown) => b as FormData }));
    },
    onSuccess: (imp) => {
      qc.setQueryData(importKey(imp.id), imp);
      onDone(imp);
    },
  });
}

/** The actions on a draft or a finished import; each answers the import, which replaces the cached one. */
export function useImportAction(id: string) {
  const qc = useQueryClient();
  const path = { params: { path: { id } } };
  return useMutation({
    mutationFn: async (action: { kind: 'mapping'; mapping: ColumnTarget[] } | { kind: 'dry-run' | 'start' | 'rollback' }) => {
      switch (action.kind) {
        case 'mapping': return unwrap(await api.PATCH('/v1/imports/{id}', { ...path, body: { mapping: action.mapping } }));
        case 'dry-run': return unwrap(await api.POST('/v1/imports/{id}/dry-run', path));
        case 'start': return unwrap(await api.POST('/v1/imports/{id}/start', path));
        case 'rollback': return unwrap(await api.POST('/v1/imports/{id}/rollback', path));
      }
    },
    onSuccess: (imp) => qc.setQueryData(importKey(id), imp),
  });
}
