import { ActionIcon, Box, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../lib/api.ts';
import { displayName, useFormat, useNow } from '../../lib/format.ts';
import { NotificationItem } from './NotificationItem.tsx';
import { useMarkRead, useNotifications, type BellItem } from './useNotifications.ts';
import { useTitleCount } from './useTitleCount.ts';

const SHOWN = 30;

/** The day an instant falls on in the workspace's zone, to split "Hoy" from "Anteriores". */
function dayKey(iso: string | number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** The top bar's notifications bell (ui.md §1): unread count, a 400 px panel, groups Hoy / Anteriores. */
export function NotificationsBell() {
  const { t } = useTranslation();
  const f = useFormat();
  const now = useNow(60_000);
  const [opened, setOpened] = useState(false);
  const { items, unread, isError, refetch } = useNotifications();
  const mark = useMarkRead();
  useTitleCount(unread);

  const shown = items.slice(0, SHOWN);
  const contactIds = opened ? [...new Set(shown.map((i) => i.contactId).filter((id): id is string => !!id))] : [];
  const contacts = useQueries({
    queries: contactIds.map((id) => ({
      queryKey: ['contact', id, 'name'],
      queryFn: async () => unwrap(await api.GET('/v1/contacts/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const names = new Map(contacts.flatMap((c, i) => (c.data ? [[contactIds[i]!, displayName(c.data, t('inbox.nameless'))] as const] : [])));

  const today = dayKey(now, f.timeZone);
  const groups: [string, BellItem[]][] = [
    ['today', shown.filter((i) => dayKey(i.newest.createdAt, f.timeZone) === today)],
    ['earlier', shown.filter((i) => dayKey(i.newest.createdAt, f.timeZone) !== today)],
  ];
  const open = (item: BellItem) => {
    setOpened(false);
    if (item.unread) mark.mutate(item);
  };
  const label = unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.title');

  return (
    <Popover width={400} position="bottom-end" shadow="md" opened={opened} onChange={setOpened} trapFocus returnFocus withinPortal>
      <Indicator label={unread > 99 ? '99+' : unread} disabled={unread === 0} size={18} color="red.8" offset={4} data-testid="bell-count">
        <Popover.Target>
          <ActionIcon variant="subtle" size="lg" aria-label={label} onClick={() => setOpened((o) => !o)}>
            <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
              <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
              <path d="M13.73 21a2 2 0 0 1-3.46 0" />
            </svg>
          </ActionIcon>
        </Popover.Target>
      </Indicator>
      <Popover.Dropdown p={0} role="dialog" aria-labelledby="bell-title" maw="100vw">
        <Group justify="space-between" px="sm" py="xs" wrap="nowrap">
          <Title order={2} size="h5" id="bell-title">{t('notifications.title')}</Title>
          <Button size="compact-sm" variant="subtle" disabled={unread === 0} onClick={() => mark.mutate('all')}>{t('notifications.markAll')}</Button>
        </Group>
        <ScrollArea.Autosize mah={480} type="auto">
          <Box px="xs" pb="xs">
            {isError && (
              <Group px="xs" py="sm" gap="xs">
                <Text size="sm">{t('notifications.loadError')}</Text>
                <Button size="compact-sm" variant="default" onClick={() => void refetch()}>{t('common.retry')}</Button>
              </Group>
            )}
            {!isError && items.length === 0 && <Text size="sm" px="xs" py="md">{t('notifications.empty')}</Text>}
            {groups.map(([g, list]) =>
              list.length === 0 ? null : (
                <Stack key={g} gap={0} component="section" aria-labelledby={`bell-${g}`}>
                  <Text size="xs" fw={700} tt="uppercase" c="dark.6" px="xs" pt="xs" id={`bell-${g}`}>{t(`notifications.${g}`)}</Text>
                  <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                    {list.map((item) => (
                      <li key={item.key}>
                        <NotificationItem item={item} name={item.contactId ? names.get(item.contactId) : undefined} now={now} onOpen={open} />
                      </li>
                    ))}
                  </ul>
                </Stack>
              ),
            )}
          </Box>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
