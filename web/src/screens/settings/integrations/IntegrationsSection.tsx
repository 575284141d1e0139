import { Alert, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../../lib/api.ts';
import { CopyField } from '../CopyField.tsx';
import { noContent } from '../noContent.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { EventsLog } from './EventsLog.tsx';
import { IntegrationCard, IntegrationStatus } from './IntegrationCard.tsx';
import { IntegrationForm } from './IntegrationForm.tsx';
import { absoluteWebhookUrl, PROVIDER_IDS, PROVIDERS, type Provider } from './providers.ts';

const LIST = ['settings', 'integrations'];

/** Integraciones: `/settings/integrations` (cards), `/new/{provider}`, `/{id}` (status, webhook URL, edit, events). */
export function IntegrationsSection() {
  return (
    <Routes>
      <Route index element={<IntegrationList />} />
      <Route path="new/:provider" element={<NewIntegration />} />
      <Route path=":id" element={<IntegrationDetail />} />
    </Routes>
  );
}

function IntegrationList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: LIST, queryFn: async () => unwrap(await api.GET('/v1/integrations')).data });
  return (
    <Stack gap="lg">
      <Title order={2}>{t('settings.section.integrations')}</Title>
      <ProblemAlert error={list.error} />
      <Stack gap="sm">
        {list.data?.length === 0 && <Text size="sm">{t('settings.integrations.none')}</Text>}
        {list.data?.map((i) => <IntegrationCard key={i.id} integration={i} />)}
      </Stack>
      <Stack gap="xs" role="group" aria-labelledby="connect-title">
        <Title order={3} id="connect-title">{t('settings.integrations.connectNew')}</Title>
        <Group>
          {PROVIDER_IDS.map((p) => (
            <Button key={p} variant="default" onClick={() => navigate(`/settings/integrations/new/${p}`)}>
              {t(`settings.integrations.provider.${p}`, { defaultValue: p })}
            </Button>
          ))}
        </Group>
      </Stack>
    </Stack>
  );
}

function NewIntegration() {
  const { provider } = useParams();
  const navigate = useNavigate();
  if (!provider || !(provider in PROVIDERS)) return <Navigate to="/settings/integrations" replace />;
  return <IntegrationForm provider={provider as Provider} onSaved={(i) => navigate(`/settings/integrations/${i.id}`)} onCancel={() => navigate('/settings/integrations')} />;
}

function IntegrationDetail() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const one = useQuery({
    queryKey: [...LIST, id],
    queryFn: async () => unwrap(await api.GET('/v1/integrations/{id}', { params: { path: { id } } })),
    refetchInterval: 10_000,
  });
  const remove = useMutation({
    mutationFn: async () => noContent(await api.DELETE('/v1/integrations/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: LIST });
      navigate('/settings/integrations');
    },
  });
  const i = one.data;

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{i?.name ?? t('settings.section.integrations')}</Title>
        <Button variant="subtle" onClick={() => navigate('/settings/integrations')}>{t('settings.integrations.back')}</Button>
      </Group>
      <ProblemAlert error={one.error} />
      {i && (
        <>
          <Text size="sm">{t(`settings.integrations.provider.${i.provider}`, { defaultValue: i.provider })}</Text>
          <IntegrationStatus integration={i} />
          <CopyField label={t('settings.integrations.webhookUrl')} value={absoluteWebhookUrl(i.webhookUrl)} description={t(`settings.integrations.webhookHint.${i.provider}`, { defaultValue: '' }) || undefined} testId="webhook-url" />
          {i.provider === 'whatsapp' && <Alert color="blue">{t('settings.integrations.verifyTokenHint', { token: i.settings.verifyToken ?? '' })}</Alert>}
          {editing && PROVIDERS[i.provider] ? (
            <IntegrationForm
              provider={i.provider}
              integration={i}
              onSaved={(saved) => {
                queryClient.setQueryData([...LIST, id], saved);
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <Group>
              {PROVIDERS[i.provider] && <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>}
              <Button color="red" variant="light" onClick={() => setRemoving(true)}>{t('settings.integrations.remove')}</Button>
            </Group>
          )}
          <EventsLog integrationId={i.id} />
          <Modal opened={removing} onClose={() => setRemoving(false)} title={t('settings.integrations.removeTitle', { name: i.name })}>
            <Stack>
              <Text size="sm">{t('settings.integrations.removeText')}</Text>
              <ProblemAlert error={remove.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => setRemoving(false)}>{t('common.cancel')}</Button>
                <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>{t('settings.integrations.remove')}</Button>
              </Group>
            </Stack>
          </Modal>
        </>
      )}
    </Stack>
  );
}
