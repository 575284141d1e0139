import { Button, Group, Modal, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrors } from '../../../lib/api.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { STAGE_KINDS, usePlaybookErrorText, usePlaybookMutations, type Stage, type StageKind } from './usePlaybookSettings.ts';

/** A stage being typed: the stale limit stays a string while edited ('' = never). */
export type StageDraft = { name: string; kind: StageKind; staleAfterDays: number | string };

/** Name, kind and stale limit: the same fields for a new stage and an edited one. */
export function StageFields({ draft, onChange, errors }: { draft: StageDraft; onChange(d: StageDraft): void; errors: { name?: string; kind?: string; staleAfterDays?: string } }) {
  const { t } = useTranslation();
  return (
    <>
      <TextInput label={t('playbookSettings.stageName')} value={draft.name} onChange={(e) => onChange({ ...draft, name: e.currentTarget.value })} error={errors.name} required maxLength={100} />
      <Select label={t('playbookSettings.kind')} data={STAGE_KINDS.map((k) => ({ value: k, label: t(`playbookSettings.kinds.${k}`) }))} value={draft.kind}
        onChange={(v) => v && onChange({ ...draft, kind: v as StageKind })} allowDeselect={false} error={errors.kind} />
      <NumberInput label={t('playbookSettings.staleAfterDays')} value={draft.staleAfterDays} onChange={(v) => onChange({ ...draft, staleAfterDays: v })}
        min={1} max={3650} allowDecimal={false} allowNegative={false} error={errors.staleAfterDays} />
    </>
  );
}

/** Edits a stage: only the changed fields are sent, with If-Match. */
export function StageDialog({ playbookId, stage, onClose }: { playbookId: string; stage: Stage; onClose(): void }) {
  const { t } = useTranslation();
  const text = usePlaybookErrorText();
  const { updateStage } = usePlaybookMutations(playbookId);
  const [draft, setDraft] = useState<StageDraft>({ name: stage.name, kind: stage.kind, staleAfterDays: stage.staleAfterDays ?? '' });
  const [archived, setArchived] = useState(stage.archived);
  const errors = fieldErrors(updateStage.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    const stale = draft.staleAfterDays === '' ? null : Number(draft.staleAfterDays);
    const patch = {
      ...(draft.name.trim() !== stage.name ? { name: draft.name.trim() } : {}),
      ...(draft.kind !== stage.kind ? { kind: draft.kind } : {}),
      ...(stale !== stage.staleAfterDays ? { staleAfterDays: stale } : {}),
      ...(archived !== stage.archived ? { archived } : {}),
    };
    if (Object.keys(patch).length === 0) return onClose();
    updateStage.mutate({ stage, patch }, { onSuccess: onClose });
  }

  return (
    <Modal opened onClose={onClose} title={t('playbookSettings.editStageTitle', { name: stage.name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <ProblemAlert error={updateStage.error} fields={['/name', '/kind', '/staleAfterDays']} />
          <StageFields draft={draft} onChange={setDraft} errors={{ name: text(errors['/name']), kind: text(errors['/kind']), staleAfterDays: text(errors['/staleAfterDays']) }} />
          <Switch label={t('playbookSettings.archivedStage')} checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={updateStage.isPending} disabled={!draft.name.trim()}>{t('playbookSettings.saveStage')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The API's 409 `stage_has_contacts` carries the count: the admin moves those contacts first. */
const contactsInStage = (err: unknown): number | undefined =>
  err instanceof ApiError && err.problem.code === 'stage_has_contacts' ? Number(err.problem.count ?? 0) : undefined;

export function DeleteStageDialog({ playbookId, stage, onClose }: { playbookId: string; stage: Stage; onClose(): void }) {
  const { t } = useTranslation();
  const { deleteStage } = usePlaybookMutations(playbookId);
  const inUse = contactsInStage(deleteStage.error);
  return (
    <Modal opened onClose={onClose} title={t('playbookSettings.deleteStageTitle', { name: stage.name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="sm">{t('playbookSettings.deleteStageText')}</Text>
        {inUse === undefined ? (
          <ProblemAlert error={deleteStage.error} />
        ) : (
          <Text size="sm" role="alert" c="red.9" data-testid="stage-has-contacts">{t('playbookSettings.stageHasContacts', { count: inUse })}</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button color="red" loading={deleteStage.isPending} disabled={inUse !== undefined} onClick={() => deleteStage.mutate(stage, { onSuccess: onClose })}>{t('playbookSettings.deleteStage')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
