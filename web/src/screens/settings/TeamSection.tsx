import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap, type Schemas } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { useSignedIn } from '../../lib/session.tsx';
import { CopyField } from './CopyField.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';
import { RemoveUserDialog, TeamProblem, useUserChanges, type User } from './TeamRoles.tsx';
import { useErrorText } from './useErrorText.ts';

type Role = Schemas['User']['role'];
const ROLES: Role[] = ['member', 'admin', 'owner'];
type Invite = { userId: string; email: string; url: string; expiresAt: string };

async function inviteLink(userId: string): Promise<{ inviteUrl: string; expiresAt: string }> {
  return unwrap(await api.POST('/v1/users/{id}/invite', { params: { path: { id: userId } } }));
}

/**
 * Equipo: the workspace's users and roles; a new user gets a one-time invite link to pass on. An
 * admin changes a role in the row (only an owner touches the owner role) and removes or restores
 * a user; the API keeps the last owner (409 `last_owner`, shown above the table).
 */
export function TeamSection() {
  const { t } = useTranslation();
  const f = useFormat();
  const { user: me } = useSignedIn();
  const changes = useUserChanges();
  const [removing, setRemoving] = useState<User | undefined>();
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
      <TeamProblem error={changes.setRole.error ?? changes.restore.error} />
      <Text size="sm" role="status" aria-live="polite" data-testid="team-status">{changes.said}</Text>
      <Table striped withTableBorder aria-label={t('settings.team.list')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('settings.team.name')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.email')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.role')}</Table.Th>
            <Table.Th scope="col">{t('teamRoles.status')}</Table.Th>
            <Table.Th scope="col">{t('settings.team.since')}</Table.Th>
            <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data ?? []).map((u) => (
            <Table.Tr key={u.id} data-testid="team-row">
              <Table.Td>{u.name || '—'} {u.id === me.id && <Text span size="sm" c="dark.6">{t('teamRoles.you')}</Text>}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>
                <Select
                  aria-label={t('teamRoles.roleOf', { name: u.name || u.email })}
                  data={(me.role === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner' || u.role === 'owner')).map((r) => ({ value: r, label: t(`settings.role.${r}`) }))}
                  value={u.role}
                  onChange={(v) => v && v !== u.role && changes.setRole.mutate({ user: u, role: v as Role })}
                  allowDeselect={false}
                  disabled={(u.role === 'owner' && me.role !== 'owner') || (changes.setRole.isPending && changes.setRole.variables?.user.id === u.id)}
                  size="xs"
                  w={150}
                />
              </Table.Td>
              <Table.Td>
                {u.deactivatedAt ? <Badge color="gray.7" variant="filled">{t('teamRoles.removed')}</Badge> : t('teamRoles.active')}
              </Table.Td>
              <Table.Td>{f.dateTime(u.createdAt)}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  {!u.deactivatedAt && (
                    <Button size="xs" variant="default" onClick={() => reinvite.mutate(u)} loading={reinvite.isPending && reinvite.variables?.id === u.id} aria-label={t('settings.team.newLinkFor', { email: u.email })}>
                      {t('settings.team.newLink')}
                    </Button>
                  )}
                  {u.deactivatedAt ? (
                    <Button size="xs" variant="default" onClick={() => changes.restore.mutate(u)} loading={changes.restore.isPending && changes.restore.variables?.id === u.id}
                      disabled={u.role === 'owner' && me.role !== 'owner'} aria-label={t('teamRoles.restoreWhich', { name: u.name || u.email })}>
                      {t('teamRoles.restore')}
                    </Button>
                  ) : (
                    <Button size="xs" color="red" variant="light" onClick={() => setRemoving(u)}
                      disabled={u.role === 'owner' && me.role !== 'owner'} aria-label={t('teamRoles.removeWhich', { name: u.name || u.email })}>
                      {t('teamRoles.remove')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {users.isSuccess && <Text size="sm" c="dark.6">{t('settings.team.roleHint')} {t('teamRoles.ownerOnly')}</Text>}
      {removing && <RemoveUserDialog user={removing} remove={changes.remove} onClose={() => { changes.remove.reset(); setRemoving(undefined); }} />}
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
