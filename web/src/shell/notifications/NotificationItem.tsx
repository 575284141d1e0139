import { Box, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../lib/format.ts';
import type { BellItem } from './useNotifications.ts';

/** Where an item leads: its contact's page, else the inbox. */
export const linkOf = (item: BellItem): string => (item.contactId ? `/contacts/${item.contactId}?from=/inbox` : '/inbox');

/** One bell row: unread dot (with words for screen readers), what happened, when; opens its link and marks it read. */
export function NotificationItem({ item, name, now, onOpen }: { item: BellItem; name: string | undefined; now: number; onOpen(item: BellItem): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const who = name ?? t('notifications.someone');
  const what = item.type === 'contact.pending_attention'
    ? t('notifications.pending', { count: item.ids.length, reasons: item.reasons.map((r) => t(`reason.${r}`, { defaultValue: r })).join(', ') || t('notifications.attention') })
    : t('notifications.other', { type: item.type });
  const href = linkOf(item);
  return (
    <UnstyledButton
      component="a"
      href={href}
      onClick={(e: React.MouseEvent) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        onOpen(item);
        navigate(href);
      }}
      data-testid="notification-item"
      data-unread={item.unread || undefined}
      className="bell-item"
      p="xs"
      w="100%"
      style={{ display: 'block', borderRadius: 6 }}
    >
      <Group wrap="nowrap" align="flex-start" gap="xs">
        <Box w={10} mt={6} style={{ flexShrink: 0 }}>
          {item.unread && <Box w={8} h={8} bg="indigo.8" style={{ borderRadius: '50%' }} aria-hidden="true" />}
        </Box>
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" fw={item.unread ? 700 : 400}>
            {item.unread && <span className="visually-hidden">{t('notifications.unread')}: </span>}
            {who} · {what}
          </Text>
          <Text size="xs" c="dark.6" title={f.dateTime(item.newest.createdAt)}>{t('notifications.ago', { time: f.since(item.newest.createdAt, now) })}</Text>
        </Stack>
      </Group>
    </UnstyledButton>
  );
}
