import { Avatar, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Contact } from '../../lib/api.ts';
import { displayName, initials, useFormat } from '../../lib/format.ts';
import { StatusChip } from '../../lib/StatusChip.tsx';

const TARGET_SECONDS = 3600;

/** One waiting contact: who, why, for how long (live), and the WhatsApp window. */
export function QueueItem({ contact, now }: { contact: Contact; now: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const oldest = contact.pendingAttention.reasons[0];
  const waitedSeconds = oldest ? (now - Date.parse(oldest.since)) / 1000 : 0;
  const name = displayName(contact, t('inbox.nameless'));
  const w = contact.whatsappWindow;
  const windowLeft = w.open && w.expiresAt ? (Date.parse(w.expiresAt) - now) / 1000 : 0;

  return (
    <Paper component="li" withBorder p="sm" radius="md" style={{ listStyle: 'none' }}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Avatar color="indigo" radius="xl" aria-hidden>{initials(contact)}</Avatar>
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text component={Link} to={`/contacts/${contact.id}?from=/inbox`} fw={600} className="row-link" truncate>
              {name}
            </Text>
            <Text size="sm" fw={600} c={waitedSeconds > TARGET_SECONDS ? '#a61b1b' : 'dark.7'} style={{ whiteSpace: 'nowrap' }} data-testid="waiting">
              <span className="visually-hidden">{t('inbox.waitingLabel')}: </span>
              {f.duration(waitedSeconds)}
            </Text>
          </Group>
          <Group gap={6} aria-label={t('inbox.reasons')}>
            {contact.pendingAttention.reasons.map((r) => (
              <StatusChip key={r.reason} tone={r.reason === 'whatsapp' ? 'teal' : r.reason === 'call' ? 'amber' : 'blue'} title={f.dateTime(r.since)}>
                {t(`reason.${r.reason}`)}
              </StatusChip>
            ))}
            <StatusChip tone={!w.open ? 'grey' : windowLeft < 7200 ? 'amber' : 'green'}>
              {w.open ? t('inbox.windowOpen', { time: f.duration(windowLeft) }) : t('inbox.windowClosed')}
            </StatusChip>
          </Group>
        </Stack>
      </Group>
    </Paper>
  );
}
