import { Alert, Button, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useFormat } from '../../lib/format.ts';
import { ContactsTable } from './ContactsTable.tsx';
import { CreateContactForm } from './CreateContactForm.tsx';
import { useContactList } from './useContactList.ts';

/** Contacts: search box over a virtualised, keyset-paged table, and the create form. */
export default function ContactsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const typed = params.get('q') ?? '';
  const [q] = useDebouncedValue(typed.trim(), 200);
  const creating = params.get('new') === '1';
  const list = useContactList(q);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const count = list.data?.pages[0]?.count;

  const setQuery = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set('q', value);
    else next.delete('q');
    setParams(next, { replace: true });
  };
  const setCreating = (open: boolean) => {
    const next = new URLSearchParams(params);
    if (open) next.set('new', '1');
    else next.delete('new');
    setParams(next);
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('contacts.title')}</Title>
        <Button onClick={() => setCreating(true)}>{t('contacts.newContact')}</Button>
      </Group>
      <Group align="flex-end" justify="space-between">
        <TextInput type="search" label={t('contacts.search')} placeholder={t('contacts.searchPlaceholder')} value={typed} onChange={(e) => setQuery(e.currentTarget.value)} style={{ flex: 1, maxWidth: 420 }} />
        <Text size="sm" c="dark.6" aria-live="polite" data-testid="contact-count">
          {count ? t(count.exact ? 'contacts.count' : 'contacts.countApprox', { count: count.value, n: f.number(count.value) }) : ''}
        </Text>
      </Group>
      {list.isError && (
        <Alert color="red" title={t('common.loadError')}>
          <Button size="xs" variant="light" onClick={() => void list.refetch()}>{t('common.retry')}</Button>
        </Alert>
      )}
      {list.data && rows.length === 0 ? (
        <Text py="xl" ta="center" c="dark.6">{q ? t('contacts.empty') : t('contacts.emptyWorkspace')}</Text>
      ) : (
        <ContactsTable rows={rows} total={count?.exact ? count.value : -1} hasMore={Boolean(list.hasNextPage)} loading={list.isFetchingNextPage} loadMore={() => void list.fetchNextPage()} />
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('contacts.newContact')}>
        <CreateContactForm onDone={() => setCreating(false)} />
      </Modal>
    </Stack>
  );
}
