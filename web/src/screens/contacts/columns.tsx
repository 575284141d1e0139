import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import type { Contact } from '../../lib/api.ts';
import type { useFormat } from '../../lib/format.ts';
import { StatusChip } from '../../lib/StatusChip.tsx';
import type { Attribute, User } from './workspace-data.ts';

type Ctx = { t: TFunction; f: ReturnType<typeof useFormat>; users: Map<string, User> };

/** A column of the table: its header, what it shows, and the API sort key when it can be sorted. */
export type Column = { id: string; header: string; width: string; sort?: string; cell(c: Contact, ctx: Ctx): ReactNode };

const plain = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));

/** The fixed columns (ui.md §2.2); the name column is always shown and leads. */
export function builtInColumns(t: TFunction): Column[] {
  const col = (id: string, width: string, cell: Column['cell'], sort?: string): Column => ({ id, header: t(`views.col.${id}`), width, cell, sort });
  return [
    col('phone', 'minmax(120px, 1fr)', (c) => c.phone ?? ''),
    col('email', 'minmax(160px, 1.4fr)', (c) => c.email ?? ''),
    col('company', 'minmax(110px, 1fr)', (c) => c.company ?? ''),
    col('owner', 'minmax(110px, 1fr)', (c, { users }) => (c.ownerId ? (users.get(c.ownerId)?.name ?? '') : '')),
    col('stage', 'minmax(120px, 1fr)', (c) => c.stage?.name ?? ''),
    col('timeInStage', 'minmax(90px, 0.7fr)', (c, { f }) => (c.stage ? f.duration(c.stage.secondsInStage) : ''), 'timeInStage'),
    col('attention', 'minmax(100px, 0.8fr)', (c, { t: tr }) =>
      c.pendingAttention.pending ? <StatusChip size="sm" tone="red">{tr('contacts.pending')}</StatusChip> : null, '-timeWaiting'),
    col('window', 'minmax(90px, 0.7fr)', (c, { t: tr, f }) =>
      c.whatsappWindow.open ? <StatusChip size="sm" tone="green">{f.duration(c.whatsappWindow.remainingSeconds)}</StatusChip> : c.whatsappWindow.expiresAt ? tr('views.windowClosed') : ''),
    col('source', 'minmax(90px, 0.7fr)', (c, { t: tr }) => tr(`views.source.${c.source}`, { defaultValue: c.source })),
    col('createdAt', 'minmax(140px, 1fr)', (c, { f }) => f.dateTime(c.createdAt), 'createdAt'),
    col('updatedAt', 'minmax(140px, 1fr)', (c, { f }) => f.dateTime(c.updatedAt), 'updatedAt'),
  ];
}

export function attributeColumns(attributes: Attribute[]): Column[] {
  return attributes.map((a) => ({
    id: `attributes.${a.key}`,
    header: a.label,
    width: 'minmax(110px, 1fr)',
    sort: a.type === 'multi_select' ? undefined : `attributes.${a.key}`,
    cell: (c) => {
      const v = c.customAttributes[a.key];
      if (typeof v === 'boolean') return v ? '✓' : '—';
      const label = (x: unknown) => a.options.find((o) => o.value === x)?.label ?? plain(x);
      return Array.isArray(v) ? v.map(label).join(', ') : label(v);
    },
  }));
}

export const DEFAULT_COLUMNS = ['phone', 'email', 'company', 'owner', 'stage', 'attention'];
