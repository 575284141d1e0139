import { Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap, type Schemas } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { useSignedIn } from '../../lib/session.tsx';
import { CopyField } from './CopyField.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useErrorText } from './useErrorText.ts';

type Role = Schemas['User']['role'];
type Invite = { userId: string; email: string; url: string; expiresAt: string };

async function inviteLink(userId: string): Promise<{ inviteUrl: string; expiresAt: string }> {
  return unwrap(await api.POST('/v1/users/{id}/invite', { params: { path: { id: userId } } }));
}

/** Equipo: the workspace's users and roles; a new user gets a one-time invite link to pass on. */
export function TeamSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const users = useQuery({ queryKey: ['settings', 'users'], queryFn: async () => unwrap(await api.GET('/v1/users')).data });
  const [invite, setInvite] = useState<Invite | undefined>();
  const reinvite = useMutation({
    mutationFn: async (u: { id: string; email: string }) => ({ userId: u.id, email: u.email, ...(await inviteLink(u.id)) }),
    onSuccess: (r) => setInvite({ userId: r.userId, email: r.email, url: r.inviteUrl, expiresAt: r.expiresAt }),
  });

  return (
    <Stack gap="lg">
      <Title order={2}>{t('settings.section.team')}</Title>
      <NewUserForm onInvited={setInvite} />
      {invite && (
        <Paper withBorder p="md" data-testid="invite-link">
          <Stack gap="xs">
            <CopyField label={t('settings.team.inviteLink', { email: invite.email })} value={invite.url} description={t('settings.team.inviteHint', { when: f.dateTime(invite.expiresAt) })} />
          </Stack>
        </Paper>
      )}
      <ProblemAlert error={users.error ?? reinvite.error} />
      <Table striped withTableBorder aria-label={t('settings.team.list')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('settings.team.name')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.email')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.role')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.since')}</Table.Th>
            <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data ?? []).map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.name || '—'}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{t(`settings.role.${u.role}`)}</Table.Td>
              <Table.Td>{f.dateTime(u.createdAt)}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="default" onClick={() => reinvite.mutate(u)} loading={reinvite.isPending && reinvite.variables?.id === u.id} aria-label={t('settings.team.newLinkFor', { email: u.email })}>
                  {t('settings.team.newLink')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {users.isSuccess && <Text size="sm" c="dark.6">{t('settings.team.roleHint')}</Text>}
    </Stack>
  );
}

function NewUserForm({ onInvited }: { onInvited(i: Invite): void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const { user } = useSignedIn();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const roles: Role[] = user.role === 'owner' ? ['member', 'admin', 'owner'] : ['member', 'admin'];
  const create = useMutation({
    mutationFn: async () => {
      const made = unwrap(await api.POST('/v1/users', { body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) } }));
      const link = await inviteLink(made.id);
      return { userId: made.id, email: made.email, url: link.inviteUrl, expiresAt: link.expiresAt };
    },
    onSuccess: (invite) => {
      setEmail('');
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['settings', 'users'] });
      onInvited(invite);
    },
  });
  const errors = fieldErrors(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-labelledby="invite-title">
      <Stack gap="sm">
        <Title order={3} id="invite-title">{t('settings.team.invite')}</Title>
        <ProblemAlert error={create.error} fields={['/email', '/name', '/role']} />
        <Group align="flex-start" grow>
          <TextInput label={t('settings.team.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={text(errors['/email'])} required />
          <TextInput label={t('settings.team.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(errors['/name'])} />
          <Select label={t('settings.team.role')} data={roles.map((r) => ({ value: r, label: t(`settings.role.${r}`) }))} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} error={text(errors['/role'])} />
        </Group>
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!email.trim()}>{t('settings.team.createInvite')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
