import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../lib/api.ts';
import { displayName, useFormat, useNow } from '../../lib/format.ts';
import { StatusChip } from '../../lib/StatusChip.tsx';

/** Name, company and the status chips: attention (reasons, since when), ignored, window, consents; `actions` beside the name. */
export function ContactHeader({ contact, actions }: { contact: Contact; actions?: ReactNode }) {
  const { t } = useTranslation();
  const f = useFormat();
  const now = useNow(30_000);
  const pa = contact.pendingAttention;
  const oldest = pa.reasons[0];
  const w = contact.whatsappWindow;
  return (
    <Stack gap={6}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Title order={1} size="h2">{displayName(contact, t('inbox.nameless'))}</Title>
        {actions}
      </Group>
      {contact.company && <Text c="dark.6">{contact.company}</Text>}
      <Group gap={6} data-testid="status-chips">
        {pa.pending && oldest && (
          <StatusChip tone="red" solid title={t('contact.pendingSince', { when: f.dateTime(oldest.since) })}>
            {t('contact.pendingChip', { reasons: pa.reasons.map((r) => t(`reason.${r.reason}`)).join(', '), time: f.since(oldest.since, now) })}
          </StatusChip>
        )}
        {contact.ignored && <StatusChip tone="grey">{t('contact.ignored')}</StatusChip>}
        <StatusChip tone={w.open ? 'green' : 'grey'} title={w.expiresAt ? t('composer.windowClosesAt', { when: f.dateTime(w.expiresAt) }) : undefined}>
          {w.open && w.expiresAt ? t('contact.windowOpenChip', { time: f.until(w.expiresAt, now) }) : t('contact.windowClosedChip')}
        </StatusChip>
        {(Object.entries(contact.consents) as [keyof Contact['consents'], boolean][]).filter(([, on]) => on).map(([name]) => (
          <StatusChip key={name} tone="blue">{t(`contact.consent.${name}`)}</StatusChip>
        ))}
      </Group>
    </Stack>
  );
}
