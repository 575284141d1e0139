import { ActionIcon, Checkbox, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { displayName, useFormat } from '../../lib/format.ts';
import type { Column, TableContact } from './columns.tsx';
import type { User } from './workspace-data.ts';
import './contacts.css';

const ROW = 44;

type Props = {
  rows: TableContact[];
  total: number;
  columns: Column[];
  users: Map<string, User>;
  sort: string;
  onSort(sort: string): void;
  selected: ReadonlySet<string>;
  onToggle(index: number, range: boolean): void;
  onToggleAll(): void;
  onEdit(contact: TableContact): void;
  hasMore: boolean;
  loadMore(): void;
  loading: boolean;
  /** Changes with the filter, search or sort: the table goes back to the top (ui.md §5.2). */
  resetKey: string;
};

/**
 * A virtualised table: only the rows in view are in the DOM; the next page loads at 70 %. One tab
 * stop: ↑/↓ (or j/k) move between rows, Space or x selects, Enter opens the row's link, e edits.
 */
export function ContactsTable({ rows, total, columns, users, sort, onSort, selected, onToggle, onToggleAll, onEdit, hasMore, loadMore, loading, resetKey }: Props) {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const location = useLocation();
  const from = encodeURIComponent(location.pathname + location.search);
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  const items = v.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  const template = useMemo(() => ['44px', 'minmax(160px, 2fr)', ...columns.map((c) => c.width), '44px'].join(' '), [columns]);
  const ctx = { t, f, users };

  useEffect(() => {
    if (hasMore && !loading && rows.length > 0 && last >= rows.length * 0.7) loadMore();
  }, [last, rows.length, hasMore, loading, loadMore]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setActive(0);
  }, [resetKey]);
  useEffect(() => {
    if (active >= rows.length) setActive(0);
  }, [rows.length, active]);

  const focusRow = (i: number) => {
    const to = Math.max(0, Math.min(rows.length - 1, i));
    setActive(to);
    v.scrollToIndex(to);
    let tries = 0;
    const attempt = () => {
      const link = document.getElementById(`contact-link-${to}`);
      if (link) link.focus();
      else if (tries++ < 5) requestAnimationFrame(attempt);
    };
    requestAnimationFrame(attempt);
  };

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const target = e.target as HTMLElement;
    if (target.closest('input:not([type=checkbox]), textarea, select')) return;
    const index = Number(target.closest<HTMLElement>('[data-index]')?.dataset.index ?? active);
    const c = rows[index];
    const key = e.key;
    if (key === 'ArrowDown' || key === 'j') focusRow(index + (target.closest('[data-index]') ? 1 : 0));
    else if (key === 'ArrowUp' || key === 'k') focusRow(index - 1);
    else if (key === 'Home') focusRow(0);
    else if (key === 'End') focusRow(rows.length - 1);
    else if ((key === ' ' || key === 'x') && c && target.getAttribute('type') !== 'checkbox') onToggle(index, e.shiftKey);
    else if (key === 'Enter' && c && target === scroller.current) navigate(`/contacts/${c.id}?from=${from}`);
    else if (key === 'e' && c) onEdit(c);
    else return;
    e.preventDefault();
  }

  const sortOf = (key: string) => (sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : 'none');
  const header = (label: string, key: string | undefined, id: string) => {
    if (!key) return <div role="columnheader" key={id}>{label}</div>;
    const state = sortOf(key);
    return (
      <div role="columnheader" key={id} aria-sort={state}>
        <UnstyledButton className="contacts-sort" onClick={() => onSort(state === 'ascending' ? `-${key}` : key)}>
          {label}
          <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
        </UnstyledButton>
      </div>
    );
  };
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  return (
    <div role="table" aria-label={t('contacts.title')} aria-rowcount={total < 0 ? -1 : total + 1} className="contacts-table" onKeyDown={onKeyDown}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className="contacts-row contacts-head" style={{ gridTemplateColumns: template }}>
          <div role="columnheader">
            <Checkbox aria-label={t('views.selectPage')} checked={allSelected} onChange={onToggleAll} size="xs" />
          </div>
          {header(t('contacts.col.name'), 'lastName', 'name')}
          {columns.map((c) => header(c.header, c.sort, c.id))}
          <div role="columnheader"><span className="visually-hidden">{t('views.actions')}</span></div>
        </div>
      </div>
      <div ref={scroller} className="contacts-scroll" role="rowgroup" tabIndex={rows.length ? -1 : 0} aria-label={t('contacts.title')}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const c = rows[item.index]!;
            const name = displayName(c, '—');
            const on = selected.has(c.id);
            const tab = item.index === active ? 0 : -1;
            return (
              <div
                role="row"
                key={c.id}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                aria-selected={on}
                className={`contacts-row${on ? ' is-selected' : ''}`}
                style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${item.start}px)` }}
              >
                <div role="cell">
                  <Checkbox
                    aria-label={t('views.selectRow', { name })}
                    checked={on}
                    tabIndex={tab}
                    size="xs"
                    onChange={() => undefined}
                    onClick={(e) => onToggle(item.index, e.shiftKey)}
                  />
                </div>
                <div role="cell">
                  <Link id={`contact-link-${item.index}`} tabIndex={tab} to={`/contacts/${c.id}?from=${from}`} className="row-link" onFocus={() => setActive(item.index)}>
                    <Text span fw={500} truncate>{name}</Text>
                  </Link>
                </div>
                {columns.map((col) => (
                  <div role="cell" key={col.id}><Text span size="sm" truncate>{col.cell(c, ctx)}</Text></div>
                ))}
                <div role="cell">
                  <ActionIcon variant="subtle" size="sm" tabIndex={tab} aria-label={t('views.editRow', { name })} onClick={() => onEdit(c)}>
                    <span aria-hidden="true">✎</span>
                  </ActionIcon>
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
