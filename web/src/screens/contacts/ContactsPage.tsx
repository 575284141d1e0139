import { Alert, Button, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format.ts';
import { BulkBar } from './bulk/BulkBar.tsx';
import { BulkDialog, type BulkKind } from './bulk/BulkDialog.tsx';
import type { BulkSelection } from './bulk/useBulkJob.ts';
import { ColumnPicker } from './ColumnPicker.tsx';
import { DEFAULT_COLUMNS, attributeColumns, builtInColumns, fieldsFor, type TableContact } from './columns.tsx';
import { ContactsTable } from './ContactsTable.tsx';
import { CreateContactForm } from './CreateContactForm.tsx';
import { EditContactModal } from './EditContactModal.tsx';
import { ExportButton } from './ExportButton.tsx';
import { FilterBar } from './filters/FilterBar.tsx';
import { useFilterFields } from './filters/useFilterFields.ts';
import { DEFAULT_SORT, canonical, conditionsOf, useContactsUrl, type ContactsUrl } from './url-state.ts';
import { useContactList } from './useContactList.ts';
import { useSelection } from './useSelection.ts';
import { ViewPicker } from './views/ViewPicker.tsx';
import { useAttributes, useUsers } from './workspace-data.ts';

/** Every live contact: a filter with no conditions is refused, so "all" is "created since 1970". */
const EVERY_CONTACT = { field: 'createdAt', op: 'gte', value: '1970-01-01T00:00:00.000Z' };

/** Contacts: views, search, filters, sortable columns, selection with bulk actions, create and edit. */
export default function ContactsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { state: url, params, update, setParam } = useContactsUrl();
  const [q] = useDebouncedValue(url.q.trim(), 200);
  const creating = params.get('new') === '1';
  const attributes = useAttributes();
  const users = useUsers();
  const userById = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const allColumns = useMemo(() => [...builtInColumns(t), ...attributeColumns(attributes.data ?? [])], [t, attributes.data]);
  const shownIds = url.cols ?? DEFAULT_COLUMNS;
  const columns = useMemo(() => shownIds.map((id) => allColumns.find((c) => c.id === id)).filter((c) => c !== undefined), [shownIds, allColumns]);
  const request = useMemo(() => ({ q, filter: url.filter, sort: url.sort }), [q, url.filter, url.sort]);
  const fields = useMemo(() => fieldsFor(columns), [columns]);
  const list = useContactList(useMemo(() => ({ ...request, fields }), [request, fields]));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const count = list.data?.pages[0]?.count;
  const listKey = canonical(request);
  const selection = useSelection(rows, listKey);
  const [bulk, setBulk] = useState<BulkKind | null>(null);
  const [editing, setEditing] = useState<TableContact | null>(null);
  const catalogue = useFilterFields();


  const open = useCallback((patch: Partial<ContactsUrl>, replace?: boolean) => update(patch, { replace }), [update]);
  const sort = url.sort ?? (q ? '' : DEFAULT_SORT);
  const total = count?.exact ? count.value : -1;

  const bulkSelection = (): BulkSelection =>
    selection.allMatching ? { ...(url.filter || !q ? { filter: url.filter ?? EVERY_CONTACT } : {}), ...(q ? { q } : {}) } : { ids: [...selection.selected] };
  const bulkCount = selection.allMatching ? (count?.value ?? rows.length) : selection.selected.size;
  const filterText = [q ? t('views.searchFor', { q }) : '', ...(conditionsOf(url.filter) ?? [t('views.advancedFilter')]).map((c) => (typeof c === 'string' ? c : catalogue.describe(c)))]
    .filter(Boolean).join(' · ');

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('contacts.title')}</Title>
        <Button onClick={() => setParam('new', '1')}>{t('contacts.newContact')}</Button>
      </Group>
      <Group gap="xs" wrap="wrap" justify="space-between">
        <ViewPicker url={url} onOpen={open} />
        <Group gap="xs">
          <ExportButton q={q} filter={url.filter} />
          <ColumnPicker all={allColumns} shown={shownIds} onChange={(cols) => update({ cols: cols.join(',') === DEFAULT_COLUMNS.join(',') ? undefined : cols })} />
        </Group>
      </Group>
      <Group align="flex-end" justify="space-between" wrap="wrap">
        <TextInput type="search" label={t('contacts.search')} placeholder={t('contacts.searchPlaceholder')} value={url.q} onChange={(e) => update({ q: e.currentTarget.value }, { replace: true })} style={{ flex: 1, maxWidth: 420 }} />
        <Text size="sm" c="dark.6" aria-live="polite" data-testid="contact-count">
          {count ? t(count.exact ? 'contacts.count' : 'contacts.countApprox', { count: count.value, n: f.number(count.value) }) : ''}
        </Text>
      </Group>
      <FilterBar filter={url.filter} onChange={(filter) => update({ filter })} />
      {list.isError && (
        <Alert color="red" title={t('common.loadError')}>
          <Button size="xs" variant="light" onClick={() => void list.refetch()}>{t('common.retry')}</Button>
        </Alert>
      )}
      {list.data && rows.length === 0 ? (
        <Stack align="center" py="xl" gap="xs">
          <Text c="dark.6">{url.filter ? t('views.emptyFiltered') : q ? t('contacts.empty') : t('contacts.emptyWorkspace')}</Text>
          {url.filter && <Button variant="subtle" onClick={() => update({ filter: undefined })}>{t('views.clearFilters')}</Button>}
        </Stack>
      ) : (
        <ContactsTable
          rows={rows}
          total={total}
          columns={columns}
          users={userById}
          sort={sort}
          onSort={(next) => update({ sort: next === DEFAULT_SORT ? undefined : next })}
          selected={selection.selected}
          onToggle={selection.toggle}
          onToggleAll={selection.toggleAll}
          onEdit={setEditing}
          hasMore={Boolean(list.hasNextPage)}
          loading={list.isFetchingNextPage}
          loadMore={() => void list.fetchNextPage()}
          resetKey={listKey}
        />
      )}
      {(selection.selected.size > 0 || selection.allMatching) && (
        <BulkBar
          count={bulkCount}
          allMatching={selection.allMatching}
          pageSelected={rows.length > 0 && rows.every((r) => selection.selected.has(r.id))}
          matching={count?.value}
          onSelectAllMatching={selection.selectAllMatching}
          onClear={selection.clear}
          onAction={setBulk}
        />
      )}
      {bulk && (
        <BulkDialog
          kind={bulk}
          selection={bulkSelection()}
          count={bulkCount}
          filterText={selection.allMatching ? filterText : undefined}
          onClose={() => {
            setBulk(null);
            selection.clear();
          }}
        />
      )}
      {editing && <EditContactModal contact={editing} onClose={() => setEditing(null)} />}
      <Modal opened={creating} closeButtonProps={{ 'aria-label': t('common.close') }} onClose={() => setParam('new', undefined)} title={t('contacts.newContact')}>
        <CreateContactForm onDone={() => setParam('new', undefined)} />
      </Modal>
    </Stack>
  );
}
