import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type FieldError, type Schemas } from '../../../lib/api.ts';
import { noContent } from '../noContent.ts';
import { useErrorText } from '../useErrorText.ts';

export type Playbook = Schemas['Playbook'];
export type Stage = Schemas['PlaybookStage'];
export type StageKind = Stage['kind'];
export const STAGE_KINDS: StageKind[] = ['open', 'won', 'lost'];

/** Every playbook, archived ones too (the settings list); the board's `['playbooks']` shares the prefix. */
export const ALL_KEY = ['playbooks', 'all'] as const;
export const playbookKey = (id: string) => ['playbooks', 'one', id] as const;

/** After any change: the settings views, the app's playbook pickers and every board read again. */
export const refreshPlaybooks = (qc: QueryClient) =>
  qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'playbooks' || q.queryKey[0] === 'board' });

const ifMatch = (id: string, version: number) => ({ path: { id }, header: { 'If-Match': `"${version}"` } });

export const useAllPlaybooks = () =>
  useQuery({ queryKey: ALL_KEY, queryFn: async () => unwrap(await api.GET('/v1/playbooks', { params: { query: { archived: 'all' } } })).data });

export const usePlaybook = (id: string) =>
  useQuery({ queryKey: playbookKey(id), queryFn: async () => unwrap(await api.GET('/v1/playbooks/{id}', { params: { path: { id } } })) });

/** A list with the item at `index` swapped with its neighbour `by` (-1 up, +1 down). */
export function moved<T>(items: T[], index: number, by: -1 | 1): T[] {
  const next = [...items];
  const other = index + by;
  if (other < 0 || other >= next.length) return next;
  [next[index], next[other]] = [next[other]!, next[index]!];
  return next;
}

export function usePlaybookMutations(id: string) {
  const qc = useQueryClient();
  const done = () => refreshPlaybooks(qc);
  // A stale If-Match (412) means someone else wrote first: reload, so the next try sends the new version.
  const onError = (err: unknown) => {
    if (err instanceof ApiError && err.problem.status === 412) void done();
  };
  return {
    rename: useMutation({
      mutationFn: async (p: { name: string; version: number }) =>
        unwrap(await api.PATCH('/v1/playbooks/{id}', { params: ifMatch(id, p.version), body: { name: p.name } })),
      onSuccess: done, onError,
    }),
    reorderStages: useMutation({
      mutationFn: async (stageIds: string[]) => unwrap(await api.POST('/v1/playbooks/{id}/stages/reorder', { params: { path: { id } }, body: { stageIds } })),
      onSuccess: (p) => {
        qc.setQueryData(playbookKey(id), p);
        void done();
      },
      onError,
    }),
    addStage: useMutation({
      mutationFn: async (s: { name: string; kind: StageKind; staleAfterDays: number | null }) =>
        unwrap(await api.POST('/v1/playbooks/{id}/stages', { params: { path: { id } }, body: s })),
      onSuccess: done,
    }),
    updateStage: useMutation({
      mutationFn: async (s: { stage: Stage; patch: { name?: string; kind?: StageKind; staleAfterDays?: number | null; archived?: boolean } }) =>
        unwrap(await api.PATCH('/v1/playbooks/{id}/stages/{stageId}', {
          params: { path: { id, stageId: s.stage.id }, header: { 'If-Match': `"${s.stage.version}"` } },
          body: s.patch,
        })),
      onSuccess: done, onError,
    }),
    deleteStage: useMutation({
      mutationFn: async (stage: Stage) =>
        noContent(await api.DELETE('/v1/playbooks/{id}/stages/{stageId}', { params: { path: { id, stageId: stage.id }, header: { 'If-Match': `"${stage.version}"` } } })),
      onSuccess: done, onError,
    }),
  };
}

export function usePlaybookListMutations() {
  const qc = useQueryClient();
  const done = () => refreshPlaybooks(qc);
  return {
    create: useMutation({
      mutationFn: async (name: string) => unwrap(await api.POST('/v1/playbooks', { body: { name } })),
      onSuccess: done,
    }),
    setArchived: useMutation({
      mutationFn: async (p: { playbook: Playbook; archived: boolean }) =>
        unwrap(await api.PATCH('/v1/playbooks/{id}', { params: ifMatch(p.playbook.id, p.playbook.version), body: { archived: p.archived } })),
      onSuccess: done,
      onError: (err: unknown) => {
        if (err instanceof ApiError && err.problem.status === 412) void done();
      },
    }),
    reorder: useMutation({
      mutationFn: async (playbookIds: string[]) => unwrap(await api.POST('/v1/playbooks/reorder', { body: { playbookIds } })).data,
      onSuccess: (list) => {
        qc.setQueryData(ALL_KEY, list);
        void done();
      },
    }),
  };
}

/** Words for an error on these forms: this screen's own, else the settings screens'. */
export function usePlaybookErrorText() {
  const { t, i18n } = useTranslation();
  const settings = useErrorText();
  return (e: FieldError | undefined): string | undefined => {
    if (!e) return undefined;
    const key = `playbookSettings.errors.${e.code}`;
    return i18n.exists(key) ? t(key) : settings(e);
  };
}
