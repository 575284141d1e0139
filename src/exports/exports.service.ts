import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, type FieldError } from '../lib/errors.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import type { Contact } from '../contacts/contacts.schema.ts';
import { compileFilter } from '../contact-lists/compile-filter.ts';
import { contextFor, listPage, MAX_PAGE_SIZE } from '../contact-lists/contact-query.ts';
import type { SavedViewsService } from '../saved-views/saved-views.service.ts';
import type { WorkspacesService } from '../workspaces/workspaces.service.ts';
import type { AttributesService } from '../attributes/attributes.service.ts';
import type { PlaybooksService } from '../playbooks/playbooks.service.ts';
import { allColumns, extractorFor, type ColumnLookups } from './contact-columns.ts';
import type { Cell, Delimiter } from './csv-writer.ts';

/** Contacts read per query; one page is all the export holds in memory. */
export const EXPORT_PAGE_SIZE = MAX_PAGE_SIZE;

/** Creation order, then id: neither changes, so a walk never repeats or skips a row however contacts change meanwhile. */
const STABLE_SORT = 'createdAt';

export type ExportsDeps = {
  db: Db;
  clock: Clock;
  cursors: CursorCodec;
  workspaces: WorkspacesService;
  savedViews: SavedViewsService;
  attributes: AttributesService;
  playbooks: PlaybooksService;
  /** Contacts per page (tests set a small one to cross many pages). */
  pageSize?: number;
};

export type ExportSpec = {
  filter?: unknown;
  viewId?: string;
  search?: string;
  columns?: string[];
  delimiter?: Delimiter;
  includeDeleted?: boolean;
};

/**
 * Where the request's fields live, for error pointers: a JSON body (`/columns/2`) or the query
 * string (`/query/columns`, one comma-separated value).
 */
export type ExportPlace = 'body' | 'query';

export type ContactExport = {
  filename: string;
  delimiter: Delimiter;
  columns: string[];
  /** The header row, then one row per contact, read page by page as they are pulled. */
  rows: AsyncIterable<Cell[]>;
};

const invalid = (message: string, errors: FieldError[]) => new AppError('validation_failed', message, { status: 422, errors });

/** YYYY-MM-DD of `now` in the workspace's time zone. */
function localDay(now: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function makeExportsService(deps: ExportsDeps) {
  const { db, clock, cursors } = deps;
  const pageSize = Math.min(Math.max(deps.pageSize ?? EXPORT_PAGE_SIZE, 1), MAX_PAGE_SIZE);

  function resolveColumns(chosen: string[] | undefined, all: string[], place: ExportPlace): string[] {
    if (!chosen) return all;
    const known = new Set(all);
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    chosen.forEach((column, i) => {
      const pointer = place === 'body' ? `/columns/${i}` : '/query/columns';
      if (!known.has(column)) errors.push({ pointer, code: 'unknown_column', message: `no column "${column.slice(0, 100)}" (columns: ${all.join(', ')})`.slice(0, 1000) });
      else if (seen.has(column)) errors.push({ pointer, code: 'duplicate_column', message: `column "${column}" is named twice` });
      seen.add(column);
    });
    if (errors.length) throw invalid(errors.length === 1 ? errors[0]!.message : `${errors.length} columns are not valid`, errors.slice(0, 100));
    return chosen;
  }

  return {
    /**
     * Checks the request (view visible, filter valid, columns known) and reads the first page, so
     * every refusal happens before a byte is sent; the rest is read as the caller pulls rows.
     * Contacts are walked by keyset over (createdAt, id); trash (with `includeDeleted`) comes after.
     */
    async start(actor: Actor, spec: ExportSpec, place: ExportPlace = 'body'): Promise<ContactExport> {
      const now = clock.now();
      const workspace = await deps.workspaces.get(actor);
      const view = spec.viewId ? await deps.savedViews.get(actor, spec.viewId) : undefined;
      if (spec.filter !== undefined) compileFilter(spec.filter, await contextFor(db, actor, { filter: spec.filter }, now), '/filter');
      const definitions = await deps.attributes.list(actor);
      const columns = resolveColumns(spec.columns, allColumns(definitions), place);

      const lookups: ColumnLookups = { userEmails: new Map(), playbookNames: new Map(), attributes: new Map(definitions.map((a) => [a.key, a])) };
      if (columns.includes('ownerEmail')) for (const u of await deps.workspaces.listUsers(actor)) lookups.userEmails.set(u.id, u.email);
      if (columns.includes('playbook')) for (const p of await deps.playbooks.list(actor, 'all')) lookups.playbookNames.set(p.id, p.name);
      const extractors = columns.map((c) => extractorFor(c, lookups.attributes)!);

      const filters = [view?.filter, spec.filter].filter((f) => f !== undefined && f !== null);
      const filter = filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : { and: filters };
      const readPage = (deleted: boolean, cursor: string | undefined): Promise<Page<Contact>> =>
        inWorkspace(actor.workspaceId, () =>
          listPage(db, cursors, actor, { filter, q: spec.search, sort: STABLE_SORT, limit: pageSize, cursor, deleted }, { prefix: place === 'body' ? '' : '/query', status: 422 }, clock.now()),
        );

      let first: Page<Contact> | undefined = await readPage(false, undefined);
      const passes = spec.includeDeleted ? [false, true] : [false];
      async function* rows(): AsyncGenerator<Cell[]> {
        yield columns;
        for (const deleted of passes) {
          let cursor: string | undefined;
          do {
            const page: Page<Contact> = first ?? (await readPage(deleted, cursor));
            first = undefined;
            for (const contact of page.data) yield extractors.map((read) => read(contact, lookups));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
        }
      }

      const delimiter = spec.delimiter ?? (workspace.locale.toLowerCase().startsWith('es') ? ';' : ',');
      return { filename: `contacts-${localDay(now, workspace.timeZone)}.csv`, delimiter, columns, rows: rows() };
    },
  };
}

export type ExportsService = ReturnType<typeof makeExportsService>;
