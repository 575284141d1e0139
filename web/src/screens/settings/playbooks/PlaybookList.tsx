import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { fieldErrors } from '../../../lib/api.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { MoveButtons, useReorder } from './MoveButtons.tsx';
import { useAllPlaybooks, usePlaybookErrorText, usePlaybookListMutations } from './usePlaybookSettings.ts';

/** The workspace's playbooks in display order: create, reorder, archive; "Editar" opens one. */
export function PlaybookList() {
  const { t } = useTranslation();
  const playbooks = useAllPlaybooks();
  const { setArchived, reorder } = usePlaybookListMutations();
  const list = playbooks.data ?? [];
  const { move, live } = useReorder('playbook', list, (ids) => reorder.mutateAsync(ids));

  return (
    <Stack gap="lg">
      <Title order={2}>{t('playbookSettings.title')}</Title>
      <Text size="sm" c="dark.6">{t('playbookSettings.hint')}</Text>
      <NewPlaybookForm />
      <ProblemAlert error={playbooks.error ?? reorder.error ?? setArchived.error} />
      {live}
      {playbooks.isSuccess && list.length === 0 ? (
        <Text c="dark.6">{t('playbookSettings.none')}</Text>
      ) : (
        <Table striped withTableBorder aria-label={t('playbookSettings.list')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('playbookSettings.order')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.name')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.stages')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.status')}</Table.Th>
              <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((p, i) => (
              <Table.Tr key={p.id} data-testid="playbook-row">
                <Table.Td>
                  <MoveButtons prefix="playbook" id={p.id} name={p.name} index={i} count={list.length} busy={reorder.isPending} onMove={(dir) => void move(i, dir)} />
                </Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{p.stages.filter((s) => !s.archived).map((s) => s.name).join(' → ') || '—'}</Table.Td>
                <Table.Td>
                  {p.archived ? <Badge color="gray.7" variant="filled">{t('playbookSettings.archived')}</Badge> : t('playbookSettings.active')}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" component={Link} to={`/settings/playbooks/${p.id}`} aria-label={t('playbookSettings.editWhich', { name: p.name })}>{t('playbookSettings.edit')}</Button>
                    {!p.archived && (
                      <Button size="xs" variant="default" component={Link} to={`/playbooks/${p.id}/board`} aria-label={t('playbookSettings.openBoardOf', { name: p.name })}>{t('playbookSettings.openBoard')}</Button>
                    )}
                    <Button size="xs" variant="default" loading={setArchived.isPending && setArchived.variables?.playbook.id === p.id}
                      onClick={() => setArchived.mutate({ playbook: p, archived: !p.archived })}
                      aria-label={t(p.archived ? 'playbookSettings.unarchiveWhich' : 'playbookSettings.archiveWhich', { name: p.name })}>
                      {t(p.archived ? 'playbookSettings.unarchive' : 'playbookSettings.archive')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {playbooks.isSuccess && list.length > 0 && <Text size="sm" c="dark.6">{t('playbookSettings.archiveHint')}</Text>}
    </Stack>
  );
}

/** A name is all a new playbook needs; its stages are added on its own page, where this opens. */
function NewPlaybookForm() {
  const { t } = useTranslation();
  const text = usePlaybookErrorText();
  const navigate = useNavigate();
  const { create } = usePlaybookListMutations();
  const [name, setName] = useState('');
  const errors = fieldErrors(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(name.trim(), { onSuccess: (p) => navigate(`/settings/playbooks/${p.id}`) });
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-labelledby="new-playbook-title">
      <Stack gap="sm">
        <Title order={3} id="new-playbook-title">{t('playbookSettings.newPlaybook')}</Title>
        <ProblemAlert error={create.error} fields={['/name']} />
        <Group align="flex-end">
          <TextInput label={t('playbookSettings.newName')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(errors['/name'])} required maxLength={100} style={{ flex: 1 }} />
          <Button type="submit" loading={create.isPending} disabled={!name.trim()}>{t('playbookSettings.create')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
