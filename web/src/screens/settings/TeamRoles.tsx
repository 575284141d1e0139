import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type Schemas } from '../../lib/api.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

export type User = Schemas['User'];
type Role = User['role'];

const withVersion = (u: User) => ({ path: { id: u.id }, header: { 'If-Match': `"${u.version}"` } });

/**
 * Role changes, removals and restores of Settings → Equipo, each sent with If-Match. Every
 * answer (a refusal too: a 412 means the list was stale) reloads the team list and the app's
 * user pickers; `said` is the last success, for a polite status line.
 */
export function useUserChanges() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [said, setSaid] = useState('');
  const reload = () => qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'users' || (q.queryKey[0] === 'settings' && q.queryKey[1] === 'users') });
  const nameOf = (u: User) => u.name || u.email;
  const setRole = useMutation({
    mutationFn: async (p: { user: User; role: Role }) => unwrap(await api.PATCH('/v1/users/{id}', { params: withVersion(p.user), body: { role: p.role } })),
    onSuccess: (u) => setSaid(t('teamRoles.roleSaved', { name: nameOf(u), role: t(`settings.role.${u.role}`) })),
    onSettled: reload,
  });
  const remove = useMutation({
    mutationFn: async (u: User) => unwrap(await api.POST('/v1/users/{id}/deactivate', { params: withVersion(u) })),
    onSuccess: (u) => setSaid(t('teamRoles.removed_done', { name: nameOf(u) })),
    onSettled: reload,
  });
  const restore = useMutation({
    mutationFn: async (u: User) => unwrap(await api.POST('/v1/users/{id}/reactivate', { params: withVersion(u) })),
    onSuccess: (u) => setSaid(t('teamRoles.restored_done', { name: nameOf(u) })),
    onSettled: reload,
  });
  return { setRole, remove, restore, said };
}

/** This section's own words for `last_owner` and a stale version; anything else as every settings form shows it. */
export function TeamProblem({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (error instanceof ApiError && i18n.exists(`teamRoles.errors.${error.problem.code}`)) {
    return <Alert color="red" role="alert" data-testid="team-error"><Text size="sm">{t(`teamRoles.errors.${error.problem.code}`)}</Text></Alert>;
  }
  return <ProblemAlert error={error} />;
}

export function RemoveUserDialog({ user, remove, onClose }: { user: User; remove: UseMutationResult<User, Error, User>; onClose(): void }) {
  const { t } = useTranslation();
  const name = user.name || user.email;
  return (
    <Modal opened onClose={onClose} title={t('teamRoles.removeTitle', { name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="sm">{t('teamRoles.removeText')}</Text>
        <TeamProblem error={remove.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(user, { onSuccess: onClose })}>{t('teamRoles.remove')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
