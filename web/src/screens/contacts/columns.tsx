import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import type { Contact, Schemas } from '../../lib/api.ts';
import type { useFormat } from '../../lib/format.ts';
import { StatusChip } from '../../lib/StatusChip.tsx';
import type { Attribute, User } from './workspace-data.ts';

/** A contact member a page can be asked for. */
export type FieldName = NonNullable<Schemas['ContactSearch']['fields']>[number];

type Ctx = { t: TFunction; f: ReturnType<typeof useFormat>; users: Map<string, User> };

/**
 * What every row reads whatever the columns: its name (with the fallbacks of `displayName`) and
 * the edit dialog's fields with the version it sends as If-Match.
 */
export const ROW_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'whatsappUserId', 'company', 'version'] as const;

/** A row of a light page: the row's own members always, a column's members when it is shown. */
export type TableContact = Pick<Contact, 'id' | (typeof ROW_FIELDS)[number]> & Partial<Contact>;

/**
 * A column of the table: its header, the contact members it reads (the page asks for those
 * only), what it shows, and the API sort key when it can be sorted.
 */
export type Column = { id: string; header: string; width: string; reads: FieldName[]; sort?: string; cell(c: TableContact, ctx: Ctx): ReactNode };

const plain = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** The fixed columns (ui.md §2.2); the name column is always shown and leads. */
export function builtInColumns(t: TFunction): Column[] {
  const col = (id: string, width: string, reads: FieldName[], cell: Column['cell'], sort?: string): Column => ({ id, header: t(`views.col.${id}`), width, reads, cell, sort });
  return [
    col('phone', 'minmax(120px, 1fr)', ['phone'], (c) => c.phone ?? ''),
    col('email', 'minmax(160px, 1.4fr)', ['email'], (c) => c.email ?? ''),
    col('company', 'minmax(110px, 1fr)', ['company'], (c) => c.company ?? ''),
    col('owner', 'minmax(110px, 1fr)', ['ownerId'], (c, { users }) => (c.ownerId ? (users.get(c.ownerId)?.name ?? '') : '')),
    col('stage', 'minmax(120px, 1fr)', ['stage'], (c) => c.stage?.name ?? ''),
    col('timeInStage', 'minmax(90px, 0.7fr)', ['stage'], (c, { f }) => (c.stage ? f.duration(c.stage.secondsInStage) : ''), 'timeInStage'),
    col('attention', 'minmax(100px, 0.8fr)', ['pendingAttention'], (c, { t: tr }) =>
      c.pendingAttention?.pending ? <StatusChip size="sm" tone="red">{tr('contacts.pending')}</StatusChip> : null, '-timeWaiting'),
    col('window', 'minmax(90px, 0.7fr)', ['whatsappWindow'], (c, { t: tr, f }) =>
      c.whatsappWindow?.open ? <StatusChip size="sm" tone="green">{f.duration(c.whatsappWindow.remainingSeconds)}</StatusChip> : c.whatsappWindow?.expiresAt ? tr('views.windowClosed') : ''),
    col('source', 'minmax(90px, 0.7fr)', ['source'], (c, { t: tr }) => (c.source ? tr(`views.source.${c.source}`, { defaultValue: c.source }) : '')),
    col('createdAt', 'minmax(140px, 1fr)', ['createdAt'], (c, { f }) => (c.createdAt ? f.dateTime(c.createdAt) : ''), 'createdAt'),
    col('updatedAt', 'minmax(140px, 1fr)', ['updatedAt'], (c, { f }) => (c.updatedAt ? f.dateTime(c.updatedAt) : ''), 'updatedAt'),
  ];
}

export function attributeColumns(attributes: Attribute[]): Column[] {
  return attributes.map((a) => ({
    id: `attributes.${a.key}`,
    header: a.label,
    width: 'minmax(110px, 1fr)',
    reads: ['customAttributes'],
    sort: a.type === 'multi_select' ? undefined : `attributes.${a.key}`,
    cell: (c) => {
      const v = c.customAttributes?.[a.key];
      if (typeof v === 'boolean') return v ? '✓' : '—';
      const label = (x: unknown) => a.options.find((o) => o.value === x)?.label ?? plain(x);
      return Array.isArray(v) ? v.map(label).join(', ') : label(v);
    },
  }));
}

/** The members a page asks for: the row's own and those of the columns shown. */
export const fieldsFor = (columns: Column[]): FieldName[] => [...new Set([...ROW_FIELDS, ...columns.flatMap((c) => c.reads)])].sort();

export const DEFAULT_COLUMNS = ['phone', 'email', 'company', 'owner', 'stage', 'attention'];
