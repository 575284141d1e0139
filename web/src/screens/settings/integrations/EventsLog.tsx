import { Badge, Button, Code, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';

const STATUS_COLOR = { received: 'indigo.8', processed: '#1f6f35', failed: 'red.9' } as const;

/** The last 50 deliveries with their result and the provider's error; a failed one can be replayed. */
export function EventsLog({ integrationId }: { integrationId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const key = ['settings', 'integrations', integrationId, 'events'];
  const events = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/v1/integrations/{id}/events', { params: { path: { id: integrationId }, query: { limit: 50 } } })).data,
    // A replay or a fresh delivery shows up without a reload.
    refetchInterval: 5000,
  });
  const replay = useMutation({
    mutationFn: async (eventId: string) => unwrap(await api.POST('/v1/integrations/{id}/events/{eventId}/replay', { params: { path: { id: integrationId, eventId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: ['settings', 'integrations'] });
    },
  });

  return (
    <Stack gap="xs">
      <Title order={3}>{t('settings.integrations.events')}</Title>
      <ProblemAlert error={events.error ?? replay.error} />
      {events.data?.length === 0 && <Text size="sm">{t('settings.integrations.noEvents')}</Text>}
      {!!events.data?.length && (
        <Table striped withTableBorder aria-label={t('settings.integrations.events')} data-testid="integration-events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('settings.integrations.receivedAt')}</Table.Th>
              <Table.Th scope="col">{t('settings.integrations.kind')}</Table.Th>
              <Table.Th scope="col">{t('settings.integrations.result')}</Table.Th>
              <Table.Th scope="col">{t('settings.integrations.reason')}</Table.Th>
              <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.data.map((e) => (
              <Table.Tr key={e.id} data-testid="integration-event" data-status={e.status}>
                <Table.Td>{f.dateTime(e.receivedAt)}</Table.Td>
                <Table.Td><Code>{e.kind}</Code></Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[e.status]} variant="filled">{t(`settings.integrations.eventStatus.${e.status}`)}</Badge>
                  {e.attempts > 1 && <Text size="xs">{t('settings.integrations.attempts', { count: e.attempts })}</Text>}
                </Table.Td>
                <Table.Td><Text size="sm" style={{ wordBreak: 'break-word' }}>{e.reason ?? '—'}</Text></Table.Td>
                <Table.Td>
                  {e.status === 'failed' && (
                    <Button size="xs" variant="light" onClick={() => replay.mutate(e.id)} loading={replay.isPending && replay.variables === e.id} aria-label={t('settings.integrations.replayWhich', { when: f.dateTime(e.receivedAt) })}>
                      {t('settings.integrations.replay')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
