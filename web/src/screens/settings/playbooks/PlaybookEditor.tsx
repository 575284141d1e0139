import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { fieldErrors } from '../../../lib/api.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { MoveButtons, useReorder } from './MoveButtons.tsx';
import { DeleteStageDialog, StageDialog, StageFields, type StageDraft } from './StageDialog.tsx';
import { usePlaybook, usePlaybookErrorText, usePlaybookMutations, type Playbook, type Stage } from './usePlaybookSettings.ts';

/** `/settings/playbooks/{id}`: rename the playbook; add, edit, reorder and delete its stages. */
export function PlaybookEditor() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const playbook = usePlaybook(id);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/settings/playbooks" size="sm">← {t('playbookSettings.back')}</Anchor>
      {playbook.isError && (
        playbook.error && 'problem' in playbook.error && (playbook.error as { problem: { status: number } }).problem.status === 404
          ? <Alert color="yellow" role="alert">{t('playbookSettings.notFound')}</Alert>
          : <ProblemAlert error={playbook.error} />
      )}
      {playbook.data && <Editor key={playbook.data.id} playbook={playbook.data} />}
    </Stack>
  );
}

function Editor({ playbook }: { playbook: Playbook }) {
  const { t } = useTranslation();
  const m = usePlaybookMutations(playbook.id);
  const stages = playbook.stages;
  const { move, live } = useReorder('stage', stages, (ids) => m.reorderStages.mutateAsync(ids));
  const [editing, setEditing] = useState<Stage | undefined>();
  const [deleting, setDeleting] = useState<Stage | undefined>();

  return (
    <>
      <Group justify="space-between">
        <Title order={2}>{playbook.name}</Title>
        {!playbook.archived && <Button variant="default" component={Link} to={`/playbooks/${playbook.id}/board`}>{t('playbookSettings.openBoard')}</Button>}
      </Group>
      <RenameForm playbook={playbook} />
      <Title order={3} id="stages-title">{t('playbookSettings.stages')}</Title>
      <ProblemAlert error={m.reorderStages.error} />
      {live}
      {stages.length === 0 ? (
        <Text c="dark.6">{t('playbookSettings.noStages')}</Text>
      ) : (
        <Table striped withTableBorder aria-label={t('playbookSettings.stageList', { name: playbook.name })}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('playbookSettings.order')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.name')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.kind')}</Table.Th>
              <Table.Th scope="col">{t('playbookSettings.staleAfterDays')}</Table.Th>
              <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {stages.map((s, i) => (
              <Table.Tr key={s.id} data-testid="stage-row">
                <Table.Td>
                  <MoveButtons prefix="stage" id={s.id} name={s.name} index={i} count={stages.length} busy={m.reorderStages.isPending} onMove={(dir) => void move(i, dir)} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <span>{s.name}</span>
                    {s.archived && <Badge size="xs" color="gray.7" variant="filled">{t('playbookSettings.archived')}</Badge>}
                  </Group>
                </Table.Td>
                <Table.Td>{t(`playbookSettings.kinds.${s.kind}`)}</Table.Td>
                <Table.Td>{s.staleAfterDays === null ? t('playbookSettings.never') : t('playbookSettings.days', { count: s.staleAfterDays })}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={t('playbookSettings.editStageWhich', { name: s.name })}>{t('playbookSettings.editStage')}</Button>
                    <Button size="xs" color="red" variant="light" onClick={() => setDeleting(s)} aria-label={t('playbookSettings.deleteStageWhich', { name: s.name })}>{t('playbookSettings.deleteStage')}</Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="sm" c="dark.6">{t('playbookSettings.staleHint')}</Text>
      <AddStageForm playbookId={playbook.id} />
      {editing && <StageDialog playbookId={playbook.id} stage={editing} onClose={() => setEditing(undefined)} />}
      {deleting && <DeleteStageDialog playbookId={playbook.id} stage={deleting} onClose={() => setDeleting(undefined)} />}
    </>
  );
}

function RenameForm({ playbook }: { playbook: Playbook }) {
  const { t } = useTranslation();
  const text = usePlaybookErrorText();
  const { rename } = usePlaybookMutations(playbook.id);
  const [name, setName] = useState(playbook.name);
  const errors = fieldErrors(rename.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    rename.mutate({ name: name.trim(), version: playbook.version });
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label={t('playbookSettings.rename')}>
      <Stack gap="sm">
        <ProblemAlert error={rename.error} fields={['/name']} />
        <Group align="flex-end">
          <TextInput label={t('playbookSettings.rename')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(errors['/name'])} required maxLength={100} style={{ flex: 1 }} />
          <Button type="submit" loading={rename.isPending} disabled={!name.trim() || name.trim() === playbook.name}>{t('playbookSettings.save')}</Button>
        </Group>
        {rename.isSuccess && name.trim() === playbook.name && <Text size="sm" role="status">{t('playbookSettings.saved')}</Text>}
      </Stack>
    </Paper>
  );
}

function AddStageForm({ playbookId }: { playbookId: string }) {
  const { t } = useTranslation();
  const text = usePlaybookErrorText();
  const { addStage } = usePlaybookMutations(playbookId);
  const [draft, setDraft] = useState<StageDraft>({ name: '', kind: 'open', staleAfterDays: '' });
  const errors = fieldErrors(addStage.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    addStage.mutate(
      { name: draft.name.trim(), kind: draft.kind, staleAfterDays: draft.staleAfterDays === '' ? null : Number(draft.staleAfterDays) },
      { onSuccess: () => setDraft({ name: '', kind: 'open', staleAfterDays: '' }) },
    );
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-labelledby="add-stage-title">
      <Stack gap="sm">
        <Title order={3} id="add-stage-title">{t('playbookSettings.addStage')}</Title>
        <ProblemAlert error={addStage.error} fields={['/name', '/kind', '/staleAfterDays']} />
        <Group align="flex-start" grow>
          <StageFields draft={draft} onChange={setDraft} errors={{ name: text(errors['/name']), kind: text(errors['/kind']), staleAfterDays: text(errors['/staleAfterDays']) }} />
        </Group>
        <Group>
          <Button type="submit" loading={addStage.isPending} disabled={!draft.name.trim()}>{t('playbookSettings.add')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
