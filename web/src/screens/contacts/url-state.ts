import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** A node of the API's filter tree (`ContactFilter`): a group, a negation or a condition. */
export type FilterTree = Record<string, unknown>;
export type Condition = { field: string; op: string; value?: unknown };

/** What the contacts screen shows; the URL holds all of it (ui.md §1: the URL is the state). */
export type ContactsUrl = { q: string; filter?: FilterTree; sort?: string; cols?: string[]; view?: string };

export const DEFAULT_SORT = '-createdAt';

/** JSON with keys in one order, so a tree read back from jsonb compares equal to the one sent. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function encodeFilter(tree: FilterTree): string {
  const bytes = new TextEncoder().encode(canonical(tree));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A hand-edited or truncated `f` is ignored rather than breaking the screen. */
export function decodeFilter(s: string | null): FilterTree | undefined {
  if (!s) return undefined;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FilterTree) : undefined;
  } catch {
    return undefined;
  }
}

/** The tree as a flat AND list when it is one (what the filter bar edits); null for OR/NOT shapes. */
export function conditionsOf(tree: FilterTree | undefined): Condition[] | null {
  if (!tree) return [];
  const isCondition = (n: unknown): n is Condition => !!n && typeof n === 'object' && typeof (n as Condition).field === 'string';
  if (isCondition(tree)) return [tree];
  const and = tree.and;
  if (Array.isArray(and) && and.every(isCondition)) return and;
  return null;
}

export const treeOf = (conditions: Condition[]): FilterTree | undefined =>
  conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { and: conditions };

export function readUrl(params: URLSearchParams): ContactsUrl {
  const cols = params.get('cols');
  return {
    q: params.get('q') ?? '',
    filter: decodeFilter(params.get('f')),
    sort: params.get('sort') || undefined,
    cols: cols ? cols.split(',').filter(Boolean) : undefined,
    view: params.get('view') || undefined,
  };
}

function write(next: URLSearchParams, patch: Partial<ContactsUrl>): void {
  const set = (k: string, v: string | undefined) => (v ? next.set(k, v) : next.delete(k));
  if ('q' in patch) set('q', patch.q);
  if ('filter' in patch) set('f', patch.filter ? encodeFilter(patch.filter) : undefined);
  if ('sort' in patch) set('sort', patch.sort);
  if ('cols' in patch) set('cols', patch.cols?.join(','));
  if ('view' in patch) set('view', patch.view);
}

/**
 * The screen's state in the URL. Typing (`replace`) uses replaceState; a committed filter, sort,
 * column or view change uses pushState, so Back undoes it.
 */
export function useContactsUrl() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readUrl(params), [params]);
  const update = useCallback(
    (patch: Partial<ContactsUrl>, opts: { replace?: boolean } = {}) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        write(next, patch);
        return next;
      }, { replace: opts.replace ?? false });
    },
    [setParams],
  );
  const setParam = useCallback(
    (key: string, value: string | undefined, opts: { replace?: boolean } = {}) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      }, { replace: opts.replace ?? false }),
    [setParams],
  );
  return { state, params, update, setParam };
}
