import { sql, type SQL } from 'drizzle-orm';
import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { AppError } from '../lib/errors.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { TIMELINE_SOURCES, type Field, type TimelineSource } from './timeline-sources.ts';
import type { TimelineItem, TimelineQuery } from './timeline.schema.ts';

export type TimelineDeps = { db: Db; cursors: CursorCodec; sources?: TimelineSource[] };

type Row = { id: string; type: string; at: string; actor_type: string; actor_id: string | null; data: unknown };
type After = { at: string; id: string } | undefined;

/** The `data` column as sent by the driver: parsed JSON, or its text on paths that leave jsonb as a string. */
function presentData(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value ?? {}) as Record<string, unknown>;
}

// Source definitions are code, not input: their column names go into the SQL as written.
const FORMAT: Record<Field['as'], (column: string) => string> = {
  value: (c) => `t.${c}`,
  instant: (c) => `to_char(t.${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  date: (c) => `to_char(t.${c}, 'YYYY-MM-DD')`,
};

/** The entry's `data`: the allow-listed fields, each formatted by its column's type. */
function dataOf(s: TimelineSource): SQL {
  if (!s.fields) return sql.raw(`t.${s.dataColumn ?? 'data'}`);
  const pairs = Object.entries(s.fields).map(([field, f]) => `'${field}', ${FORMAT[f.as](f.column)}`);
  return sql.raw(`jsonb_build_object(${pairs.join(', ')})`);
}

/** The sources a `?type=` filter keeps, each with the per-row type condition it needs. */
function selectSources(sources: TimelineSource[], filter: string | undefined): { source: TimelineSource; types?: string[] }[] {
  if (!filter) return sources.map((source) => ({ source }));
  const wanted = [...new Set(filter.split(','))];
  const unknown = wanted.filter((w) => !sources.some((s) => w === s.type || (s.typeColumn && w.startsWith(`${s.type}.`))));
  if (unknown.length) {
    const message = `Unknown timeline type ${unknown.join(', ')}; known: ${sources.map((s) => s.type).join(', ')}`;
    // A bad query parameter is a 400, like every other query validation error.
    throw new AppError('validation_failed', message, { status: 400, errors: [{ pointer: '/query/type', code: 'unknown_type', message }] });
  }
  return sources.flatMap((source) => {
    if (wanted.includes(source.type)) return [{ source }];
    const types = source.typeColumn ? wanted.filter((w) => w.startsWith(`${source.type}.`)) : [];
    return types.length ? [{ source, types }] : [];
  });
}

/** One source's newest `take` rows after the cursor, through its contact index. */
function sourceQuery(s: TimelineSource, types: string[] | undefined, workspaceId: string, contactId: string, after: After, take: number): SQL {
  const occ = sql.raw(`t.${s.occurredAt}`);
  const typeExpr = s.typeColumn ? sql.raw(`t.${s.typeColumn}`) : sql`${s.type}::text`;
  const where: SQL[] = [sql`t.workspace_id = ${workspaceId}`, sql`t.contact_id = ${contactId}`];
  if (after) where.push(sql`(${occ}, t.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  if (types) where.push(sql`${typeExpr} IN (${sql.join(types.map((x) => sql`${x}`), sql`, `)})`);
  return sql`(SELECT t.id, ${typeExpr} AS type,
      to_char(${occ} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, ${occ} AS sort_at,
      ${sql.raw(`t.${s.actorTypeColumn}`)} AS actor_type, ${sql.raw(`t.${s.actorIdColumn}`)} AS actor_id, ${dataOf(s)} AS data
    FROM ${sql.identifier(s.table)} t
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY ${occ} DESC, t.id DESC LIMIT ${take})`;
}

export function makeTimelineService(deps: TimelineDeps) {
  const { db, cursors } = deps;
  const sources = deps.sources ?? TIMELINE_SOURCES;

  return {
    /**
     * Everything that happened to a contact, newest first: its elements, communications and own
     * changes. Keyset over `(occurredAt, id)` across all sources, so inserts between pages never
     * repeat or skip an item. Readable for a contact in the trash.
     */
    async list(actor: Actor, contactId: string, q: TimelineQuery): Promise<Page<TimelineItem>> {
      await requireContact(db, actor.workspaceId, contactId, 'read');
      const selected = selectSources(sources, q.type);
      const binding = `${actor.workspaceId}|timeline|${contactId}|${q.type ?? ''}`;
      let after: After;
      if (q.cursor) {
        const key = cursors.decode(q.cursor, binding);
        after = { at: String(key.v), id: key.id };
      }
      if (selected.length === 0) return { data: [], nextCursor: null };
      const take = q.limit + 1;
      const parts = selected.map(({ source, types }) => sourceQuery(source, types, actor.workspaceId, contactId, after, take));
      const rows = await queryRows<Row>(
        db,
        sql`SELECT id, type, at, actor_type, actor_id, data FROM (${sql.join(parts, sql` UNION ALL `)}) items
          ORDER BY sort_at DESC, id DESC LIMIT ${take}`,
      );
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page.at(-1);
      return {
        data: page.map((r) => ({
          id: String(r.id),
          type: r.type,
          occurredAt: new Date(r.at).toISOString(),
          actor: { type: r.actor_type as Actor['type'], id: r.actor_id },
          data: presentData(r.data),
          // Shaped by the source's allow-list in SQL; the route's response schema checks each entry against its type.
        })) as TimelineItem[],
        nextCursor: more && last ? cursors.encode({ v: last.at, id: String(last.id) }, binding) : null,
      };
    },
  };
}

export type TimelineService = ReturnType<typeof makeTimelineService>;
