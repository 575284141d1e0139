import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat, useNow } from '../../../lib/format.ts';
import { statusOf, type Integration } from './providers.ts';

// Filled dark shades: white on them keeps 4.5:1 (the light variants do not).
const COLOR = { connected: '#1f6f35', failing: 'red.9', unconfigured: 'gray.7' } as const;

/** Status in words (never colour alone), when the last event came, and the last error. */
export function IntegrationStatus({ integration }: { integration: Integration }) {
  const { t } = useTranslation();
  const f = useFormat();
  const now = useNow(30_000);
  const s = integration.status;
  const status = statusOf(integration);
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={COLOR[status]} variant="filled" data-testid="integration-status">{t(`settings.integrations.status.${status}`)}</Badge>
        <Text size="sm">
          {s.lastEventAt ? t('settings.integrations.lastEvent', { time: f.since(s.lastEventAt, now) }) : t('settings.integrations.noEventYet')}
        </Text>
      </Group>
      {s.lastError && (
        <Text size="sm" c="red.9">
          {t('settings.integrations.lastError', { error: s.lastError, when: s.lastErrorAt ? f.dateTime(s.lastErrorAt) : '' })}
        </Text>
      )}
    </Stack>
  );
}

export function IntegrationCard({ integration }: { integration: Integration }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" component="article" aria-labelledby={`integration-${integration.id}`} data-testid="integration-card">
      <Stack gap="xs">
        <Group justify="space-between">
          <Anchor component={Link} to={`/settings/integrations/${integration.id}`} fw={600} id={`integration-${integration.id}`}>{integration.name}</Anchor>
          <Text size="sm" c="dark.6">{t(`settings.integrations.provider.${integration.provider}`, { defaultValue: integration.provider })}</Text>
        </Group>
        <IntegrationStatus integration={integration} />
      </Stack>
    </Paper>
  );
}
