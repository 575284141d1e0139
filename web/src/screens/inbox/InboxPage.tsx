import { Alert, Button, Group, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useNow } from '../../lib/format.ts';
import { useSignedIn } from '../../lib/session.tsx';
import { LiveUpdatesPill } from '../../lib/live/LiveUpdatesPill.tsx';
import { QueueItem } from './QueueItem.tsx';
import { ReasonChips, reasonOf } from './ReasonChips.tsx';
import { useAttentionQueue, type AttentionReason } from './useAttentionQueue.ts';
import { useListKeys } from './useListKeys.ts';

/** Home: who is waiting for an answer, longest first. */
export function InboxPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'mine' ? 'mine' : 'all';
  const reason = reasonOf(params.get('reason'));
  const queue = useAttentionQueue(tab === 'mine' ? user.id : undefined, reason);
  // Both choices live in the URL; each change is a history entry (Back undoes it).
  const choose = (next: { tab: 'mine' | 'all'; reason: AttentionReason | undefined }) => {
    const p = new URLSearchParams();
    if (next.tab === 'mine') p.set('tab', 'mine');
    if (next.reason) p.set('reason', next.reason);
    setParams(p);
  };
  const now = useNow(1000);
  const items = queue.data?.data ?? [];
  const list = useRef<HTMLDivElement>(null);
  useListKeys(list);

  return (
    <Stack maw={760} gap="md">
      <Group justify="space-between" wrap="wrap">
        <Title order={1} size="h2">{t('inbox.title')}</Title>
        <SegmentedControl
          aria-label={t('inbox.scope')}
          value={tab}
          onChange={(v) => choose({ tab: v === 'mine' ? 'mine' : 'all', reason })}
          data={[{ value: 'mine', label: t('inbox.mine') }, { value: 'all', label: t('inbox.all') }]}
        />
      </Group>
      <ReasonChips value={reason} onChange={(r) => choose({ tab, reason: r })} />
      <Text size="sm" c="dark.6" aria-live="polite">
        {queue.data ? t('inbox.count', { count: items.length }) : ''}
      </Text>
      {queue.isError && (
        <Alert color="red" title={t('common.loadError')}>
          <Button size="xs" variant="light" onClick={() => void queue.refetch()}>{t('common.retry')}</Button>
        </Alert>
      )}
      <LiveUpdatesPill />
      {queue.isPending && <Stack>{[0, 1, 2].map((i) => <Skeleton key={i} h={72} radius="md" />)}</Stack>}
      {queue.data && items.length === 0 && (
        <Stack align="center" py="xl" gap={4}>
          <Title order={2} size="h3">{t(reason ? 'inboxFilters.empty' : 'inbox.empty')}</Title>
          {reason ? (
            <Button variant="subtle" onClick={() => choose({ tab, reason: undefined })}>{t('inboxFilters.clear')}</Button>
          ) : (
            <Text c="dark.6">{t('inbox.emptyHint')}</Text>
          )}
        </Stack>
      )}
      {items.length > 0 && (
        <Stack component="ul" ref={list} gap="xs" p={0} m={0} aria-label={t('inbox.title')} data-testid="queue">
          {items.map((c) => <QueueItem key={c.id} contact={c} now={now} />)}
        </Stack>
      )}
    </Stack>
  );
}
