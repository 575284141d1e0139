import { Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Contact } from '../../lib/api.ts';
import { displayName, useFormat } from '../../lib/format.ts';
import { StatusChip } from '../../lib/StatusChip.tsx';

const ROW = 44;
const COLS = 'minmax(160px, 2fr) minmax(120px, 1fr) minmax(160px, 1.5fr) minmax(110px, 1fr) minmax(100px, 0.8fr)';

type Props = { rows: Contact[]; total: number; hasMore: boolean; loadMore(): void; loading: boolean };

/** A virtualised table: only the rows in view are in the DOM; the next page loads at 70 %. */
export function ContactsTable({ rows, total, hasMore, loadMore, loading }: Props) {
  const { t } = useTranslation();
  const f = useFormat();
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  const items = v.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loading && rows.length > 0 && last >= rows.length * 0.7) loadMore();
  }, [last, rows.length, hasMore, loading, loadMore]);

  const cols = [t('contacts.col.name'), t('contacts.col.phone'), t('contacts.col.email'), t('contacts.col.company'), t('contacts.col.attention')];
  return (
    <div role="table" aria-label={t('contacts.title')} aria-rowcount={total < 0 ? -1 : total + 1} className="contacts-table">
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className="contacts-row contacts-head" style={{ gridTemplateColumns: COLS }}>
          {cols.map((c) => <div role="columnheader" key={c}>{c}</div>)}
        </div>
      </div>
      <div ref={scroller} className="contacts-scroll" role="rowgroup" tabIndex={0} aria-label={t('contacts.title')}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = rows[item.index]!;
            return (
              <div
                role="row"
                key={c.id}
                aria-rowindex={item.index + 2}
                className="contacts-row"
                style={{ gridTemplateColumns: COLS, position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)` }}
              >
                <div role="cell"><Link to={`/contacts/${c.id}?from=/contacts`} className="row-link"><Text span fw={500} truncate>{displayName(c, '—')}</Text></Link></div>
                <div role="cell"><Text span size="sm" truncate>{c.phone ?? ''}</Text></div>
                <div role="cell"><Text span size="sm" truncate>{c.email ?? ''}</Text></div>
                <div role="cell"><Text span size="sm" truncate>{c.company ?? ''}</Text></div>
                <div role="cell">
                  {c.pendingAttention.pending && (
                    <StatusChip size="sm" tone="red" title={c.pendingAttention.reasons[0] ? f.dateTime(c.pendingAttention.reasons[0].since) : undefined}>
                      {t('contacts.pending')}
                    </StatusChip>
                  )}
                </div>
              </div>
            );
          })}
        </div>
        {loading && rows.length > 0 && <Text size="sm" c="dark.6" p="xs">{t('contacts.loadingMore')}</Text>}
      </div>
    </div>
  );
}
