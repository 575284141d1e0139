import { Alert, Badge, Button, Code, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap, type Schemas } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { CopyField } from './CopyField.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useErrorText } from './useErrorText.ts';

type ApiKey = Schemas['ApiKey'];
const KEYS = ['settings', 'api-keys'];

/** Claves de API: create one (its secret shown once), see prefix and last use, revoke after a confirmation. */
export function ApiKeysSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: KEYS, queryFn: async () => unwrap(await api.GET('/v1/api-keys')).data });
  const [created, setCreated] = useState<Schemas['ApiKeyWithSecret'] | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const revoke = useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setRevoking(undefined);
      void queryClient.invalidateQueries({ queryKey: KEYS });
    },
  });

  return (
    <Stack gap="lg">
      <Title order={2}>{t('settings.section.api-keys')}</Title>
      <NewKeyForm onCreated={setCreated} />
      {created && (
        <Alert color="green" title={t('settings.apiKeys.created', { name: created.name })} data-testid="api-key-secret">
          <Stack gap="xs">
            <CopyField label={t('settings.apiKeys.secret')} value={created.secret} />
            <Text size="sm" fw={600}>{t('settings.apiKeys.once')}</Text>
            <Group><Button size="xs" variant="default" onClick={() => setCreated(undefined)}>{t('settings.apiKeys.saved')}</Button></Group>
          </Stack>
        </Alert>
      )}
      <ProblemAlert error={keys.error ?? revoke.error} />
      <Table striped withTableBorder aria-label={t('settings.apiKeys.list')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('settings.apiKeys.name')}</Table.Th>
            <Table.Th scope="col">{t('settings.apiKeys.prefix')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.role')}</Table.Th>
            <Table.Th scope="col">{t('settings.apiKeys.createdAt')}</Table.Th>
            <Table.Th scope="col">{t('settings.apiKeys.lastUsed')}</Table.Th>
            <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(keys.data ?? []).map((k) => (
            <Table.Tr key={k.id} data-testid="api-key-row">
              <Table.Td>{k.name}</Table.Td>
              <Table.Td><Code>{k.prefix}…</Code></Table.Td>
              <Table.Td>{t(`settings.role.${k.role}`)}</Table.Td>
              <Table.Td>{f.dateTime(k.createdAt)}</Table.Td>
              <Table.Td>{k.lastUsedAt ? f.dateTime(k.lastUsedAt) : t('settings.apiKeys.never')}</Table.Td>
              <Table.Td>
                {k.revokedAt ? (
                  <Badge color="gray.7" variant="filled">{t('settings.apiKeys.revoked')}</Badge>
                ) : (
                  <Button size="xs" color="red" variant="light" onClick={() => setRevoking(k)} aria-label={t('settings.apiKeys.revokeWhich', { name: k.name })}>{t('settings.apiKeys.revoke')}</Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={!!revoking} onClose={() => setRevoking(undefined)} title={t('settings.apiKeys.revokeTitle', { name: revoking?.name ?? '' })}>
        <Stack>
          <Text size="sm">{t('settings.apiKeys.revokeText')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(undefined)}>{t('common.cancel')}</Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)}>{t('settings.apiKeys.revoke')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function NewKeyForm({ onCreated }: { onCreated(k: Schemas['ApiKeyWithSecret']): void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKey['role']>('member');
  const create = useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/api-keys', { body: { name, role } })),
    onSuccess: (k) => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: KEYS });
      onCreated(k);
    },
  });
  const errors = fieldErrors(create.error);
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-labelledby="new-key-title">
      <Stack gap="sm">
        <Title order={3} id="new-key-title">{t('settings.apiKeys.new')}</Title>
        <ProblemAlert error={create.error} fields={['/name', '/role']} />
        <Group align="flex-start" grow>
          <TextInput label={t('settings.apiKeys.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(errors['/name'])} required />
          <Select label={t('settings.team.role')} data={(['member', 'admin'] as const).map((r) => ({ value: r, label: t(`settings.role.${r}`) }))} value={role} onChange={(v) => v && setRole(v as ApiKey['role'])} allowDeselect={false} error={text(errors['/role'])} />
        </Group>
        <Group><Button type="submit" loading={create.isPending}>{t('settings.apiKeys.create')}</Button></Group>
      </Stack>
    </Paper>
  );
}
