import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../../lib/api.ts';
import { DEFAULT_SORT, canonical, type ContactsUrl } from '../url-state.ts';

export type SavedView = Schemas['SavedView'];
const KEY = ['saved-views'];

/** The URL's part that a view stores (the search box is not part of a view). */
export const viewBody = (url: ContactsUrl) => ({
  filter: (url.filter ?? null) as Schemas['SavedViewCreate']['filter'],
  sort: url.sort ?? DEFAULT_SORT,
  columns: url.cols ?? [],
});

/** The URL differs from the stored view: "Vista modificada · Guardar · Descartar". */
export function differsFrom(view: SavedView, url: ContactsUrl): boolean {
  const now = viewBody(url);
  return canonical(view.filter ?? null) !== canonical(now.filter ?? null) || view.sort !== now.sort || view.columns.join(',') !== now.columns.join(',');
}

/** The URL a view hydrates into (its filter, sort and columns; the default sort stays implicit). */
export const urlOf = (view: SavedView): Partial<ContactsUrl> => ({
  view: view.id,
  filter: view.filter ?? undefined,
  sort: view.sort === DEFAULT_SORT ? undefined : view.sort,
  cols: view.columns.length ? view.columns : undefined,
});

export function useSavedViews() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: KEY, queryFn: async () => unwrap(await api.GET('/v1/saved-views')).data });
  const done = () => queryClient.invalidateQueries({ queryKey: KEY });
  const ifMatch = (v: SavedView) => ({ path: { id: v.id }, header: { 'If-Match': `"${v.version}"` } });

  const create = useMutation({
    mutationFn: async (body: { name: string; url: ContactsUrl }) => unwrap(await api.POST('/v1/saved-views', { body: { name: body.name, visibility: 'private', ...viewBody(body.url) } })),
    onSuccess: done,
  });
  const save = useMutation({
    mutationFn: async ({ view, url }: { view: SavedView; url: ContactsUrl }) => unwrap(await api.PATCH('/v1/saved-views/{id}', { params: ifMatch(view), body: viewBody(url) })),
    onSuccess: done,
  });
  const rename = useMutation({
    mutationFn: async ({ view, name }: { view: SavedView; name: string }) => unwrap(await api.PATCH('/v1/saved-views/{id}', { params: ifMatch(view), body: { name } })),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: async (view: SavedView) => {
      const r = await api.DELETE('/v1/saved-views/{id}', { params: { path: { id: view.id } } });
      if (!r.response.ok) unwrap(r);
    },
    onSuccess: done,
  });
  return { list, create, save, rename, remove };
}
