import { Alert, Badge, Button, Group, Modal, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap, type Schemas } from '../../../lib/api.ts';
import { useSendError } from './useSendError.ts';

type Template = Schemas['WhatsappTemplate'];

/** Numbered variables in a body: {{1}}, {{2}}… */
const variableCount = (body: string) => Math.max(0, ...[...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
const fill = (body: string, vars: string[]) => body.replace(/\{\{(\d+)\}\}/g, (all, n: string) => vars[Number(n) - 1] || all);

/** Choose an approved template, fill its variables with a live preview, send it. */
export function TemplatePicker({ contactId, opened, onClose, onSent }: { contactId: string; opened: boolean; onClose(): void; onSent(): void }) {
  const { t } = useTranslation();
  const sendError = useSendError();
  const phone = useMediaQuery('(max-width: 767px)');
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<Template>();
  const [vars, setVars] = useState<string[]>([]);
  const templates = useQuery({
    queryKey: ['whatsapp-templates'],
    queryFn: async ({ signal }) => unwrap(await api.GET('/v1/whatsapp-templates', { signal })).data,
    enabled: opened,
  });
  const shown = useMemo(() => (templates.data ?? []).filter((tp) => tp.name.includes(search.toLowerCase()) || tp.body.toLowerCase().includes(search.toLowerCase())), [templates.data, search]);
  const needed = chosen ? variableCount(chosen.body) : 0;
  const send = useMutation({
    mutationFn: async (tp: Template) =>
      unwrap(await api.POST('/v1/contacts/{id}/whatsapp-messages', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { direction: 'outbound', purpose: tp.category === 'marketing' ? 'marketing' : 'transactional', template: { name: tp.name, language: tp.language, variables: vars.slice(0, needed) } },
      })),
    onSuccess: () => {
      setChosen(undefined);
      setVars([]);
      onSent();
      onClose();
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} title={t('templates.title')} size={420} fullScreen={phone}>
      {!chosen ? (
        <Stack gap="xs" data-testid="template-picker">
          <TextInput label={t('templates.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} data-autofocus />
          {templates.data && shown.length === 0 && <Text c="dark.6">{t('templates.none')}</Text>}
          {shown.map((tp) => (
            <UnstyledButton key={tp.id} onClick={() => { setChosen(tp); setVars([]); }} p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600}>{tp.name}</Text>
                <Group gap={4}>
                  <Badge size="sm" variant="light" color="dark">{t(`templates.category.${tp.category}`)}</Badge>
                  <Badge size="sm" variant="outline" color="dark">{tp.language}</Badge>
                </Group>
              </Group>
              <Text size="sm" c="dark.6" truncate>{tp.body}</Text>
            </UnstyledButton>
          ))}
        </Stack>
      ) : (
        <Stack gap="sm">
          <Button variant="subtle" size="xs" onClick={() => setChosen(undefined)} style={{ alignSelf: 'flex-start' }}>{t('templates.back')}</Button>
          <Text fw={600}>{chosen.name}</Text>
          <Paper p="sm" radius="md" bg="green.0" aria-label={t('templates.preview')}>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{fill(chosen.body, vars)}</Text>
          </Paper>
          {Array.from({ length: needed }, (_, i) => (
            <TextInput key={i} label={t('templates.variable', { n: i + 1 })} value={vars[i] ?? ''} onChange={(e) => { const next = [...vars]; next[i] = e.currentTarget.value; setVars(next); }} />
          ))}
          {send.isError && <Alert color="red" role="alert">{sendError(send.error)}</Alert>}
          <Button onClick={() => send.mutate(chosen)} loading={send.isPending} disabled={Array.from({ length: needed }, (_, i) => vars[i]?.trim()).some((v) => !v)}>
            {t('templates.send')}
          </Button>
        </Stack>
      )}
    </Modal>
  );
}
