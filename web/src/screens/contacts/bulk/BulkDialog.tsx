import { Alert, Button, Group, Modal, Progress, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { useAttributes, usePlaybooks, useUsers } from '../workspace-data.ts';
import { AttributeValueInput, attributeValue } from './AttributeValueInput.tsx';
import { useBulkJob, type BulkAction, type BulkSelection } from './useBulkJob.ts';

export type BulkKind = 'setOwner' | 'moveStage' | 'clearStage' | 'setConsent' | 'setAttribute' | 'ignore' | 'unignore' | 'delete';
const CONSENTS = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];
const NO_OWNER = '__none__';

type Props = { kind: BulkKind; selection: BulkSelection; count: number; filterText?: string; onClose(): void };

/** Choose the action's value, confirm with the count (and the filter in words), then the job's progress to its end. */
export function BulkDialog({ kind, selection, count, filterText, onClose }: Props) {
  const { t } = useTranslation();
  const f = useFormat();
  const users = useUsers();
  const playbooks = usePlaybooks();
  const attributes = useAttributes();
  const [attrValue, setAttrValue] = useState('');
  const bulk = useBulkJob();
  const [value, setValue] = useState<string | null>(kind === 'setOwner' ? null : kind === 'setConsent' ? 'marketingEmail' : null);
  const [consentOn, setConsentOn] = useState('false');
  const attribute = kind === 'setAttribute' ? attributes.data?.find((a) => a.key === value) : undefined;

  const stages = (playbooks.data ?? []).flatMap((p) => p.stages.filter((s) => !s.archived).map((s) => ({ value: `${p.id}/${s.id}`, label: `${p.name} · ${s.name}` })));
  const action = (): BulkAction | undefined => {
    switch (kind) {
      case 'setOwner': return value ? { type: 'setOwner', ownerId: value === NO_OWNER ? null : value } : undefined;
      case 'moveStage': {
        const [playbookId, stageId] = (value ?? '').split('/');
        return playbookId && stageId ? { type: 'moveStage', playbookId, stageId } : undefined;
      }
      case 'setConsent': return value ? { type: 'setConsent', consent: value as 'marketingEmail', value: consentOn === 'true' } : undefined;
      case 'setAttribute': return attribute && attrValue !== '' ? { type: 'setAttribute', key: attribute.key, value: attributeValue(attribute, attrValue) } : undefined;
      default: return { type: kind };
    }
  };
  const ready = action() !== undefined;
  const job = bulk.job;
  const running = bulk.start.isPending || (job && !bulk.done);
  const processed = job ? job.progress.done + job.progress.failed : 0;
  const percent = job && job.progress.total > 0 ? Math.round((processed / job.progress.total) * 100) : bulk.done ? 100 : 0;
  const n = f.number(count);

  return (
    <Modal opened closeButtonProps={{ 'aria-label': t('common.close') }} onClose={running ? () => undefined : onClose} title={t(`views.bulk.${kind}`)} closeOnClickOutside={!running}>
      <Stack>
        {!job && (
          <>
            {kind === 'setOwner' && (
              <Select label={t('views.bulk.owner')} data={[{ value: NO_OWNER, label: t('views.bulk.noOwner') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name || u.email }))]} value={value} onChange={setValue} searchable data-autofocus />
            )}
            {kind === 'moveStage' && <Select label={t('views.bulk.stage')} data={stages} value={value} onChange={setValue} searchable data-autofocus />}
            {kind === 'setConsent' && (
              <Group grow>
                <Select label={t('views.bulk.consent')} data={CONSENTS.map((c) => ({ value: c, label: t(`contact.consent.${c}`) }))} value={value} onChange={setValue} allowDeselect={false} />
                <Select label={t('views.value')} data={[{ value: 'true', label: t('views.yes') }, { value: 'false', label: t('views.no') }]} value={consentOn} onChange={(v) => setConsentOn(v ?? 'false')} allowDeselect={false} />
              </Group>
            )}
            {kind === 'setAttribute' && (
              <>
                <Select label={t('views.bulk.attribute')} data={(attributes.data ?? []).map((a) => ({ value: a.key, label: a.label }))} value={value} onChange={(v) => { setValue(v); setAttrValue(''); }} searchable data-autofocus />
                {attribute && <AttributeValueInput attribute={attribute} value={attrValue} onChange={setAttrValue} />}
              </>
            )}
            <Text data-testid="bulk-confirm">
              {'ids' in selection ? t('views.bulk.confirmIds', { count, n }) : t('views.bulk.confirmFilter', { count, n, filter: filterText || t('views.bulk.everyContact') })}
            </Text>
            {bulk.start.error instanceof ApiError && <Alert color="red" role="alert">{t('views.failed', { code: bulk.start.error.problem.code })}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
              <Button color={kind === 'delete' ? 'red' : undefined} disabled={!ready} loading={bulk.start.isPending} onClick={() => bulk.start.mutate({ selection, action: action()! })}>
                {t('views.bulk.apply', { count, n })}
              </Button>
            </Group>
          </>
        )}
        {job && (
          <>
            <Progress value={percent} aria-label={t('views.bulk.progress')} size="lg" />
            <Text size="sm" data-testid="bulk-progress" aria-live="polite">
              {t('views.bulk.progressText', { done: f.number(processed), total: f.number(job.progress.total) })}
            </Text>
            {bulk.done && (
              <Alert color={job.progress.failed > 0 || job.status === 'failed' ? 'yellow' : 'green'} role="status" data-testid="bulk-result">
                {t('views.bulk.result', { count: job.progress.done, n: f.number(job.progress.done) })}
                {job.progress.failed > 0 && ` ${t('views.bulk.failedCount', { count: job.progress.failed, n: f.number(job.progress.failed) })}`}
                {job.result?.failures.slice(0, 5).map((x) => <Text key={x.contactId} size="sm">{x.message}</Text>)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button onClick={onClose} disabled={!bulk.done}>{t('common.close')}</Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
