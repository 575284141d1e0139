import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap, type Contact } from '../../../lib/api.ts';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';
import { contactKey } from '../useContact.ts';
import { DuplicateSearch } from './DuplicateSearch.tsx';
import { MergeCompare } from './MergeCompare.tsx';
import { MERGE_FIELDS, conflicts, patchAfterMerge, type MergeField, type Side } from './merge-plan.ts';

type Outcome = { survivor: Contact; patchError?: unknown };

/** Merge with a duplicate: find it, compare side by side, pick per field, merge, open the survivor. */
export function MergeDialog({ contact, onClose }: { contact: Contact; onClose(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [other, setOther] = useState<Contact | undefined>();
  const [survivor, setSurvivor] = useState<Side>('current');
  const [choices, setChoices] = useState<Partial<Record<MergeField, Side>>>({});

  const merge = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      if (!other) throw new Error('no duplicate chosen');
      const [keep, absorb] = survivor === 'current' ? [contact, other] : [other, contact];
      const merged = unwrap(await api.POST('/v1/contacts/{id}/merge', { params: { path: { id: keep.id } }, body: { otherContactId: absorb.id } }));
      const fromLoser = MERGE_FIELDS.filter((f) => conflicts(contact, other, f) && (choices[f] ?? survivor) !== survivor);
      const body = patchAfterMerge(merged, absorb, fromLoser);
      if (!body) return { survivor: merged };
      try {
        const patched = unwrap(await api.PATCH('/v1/contacts/{id}', { params: { path: { id: merged.id }, header: { 'If-Match': `"${merged.version}"` } }, body }));
        return { survivor: patched };
      } catch (patchError) {
        return { survivor: merged, patchError };
      }
    },
    onSuccess: ({ survivor: kept, patchError }) => {
      queryClient.setQueryData(contactKey(kept.id), kept);
      void queryClient.invalidateQueries({ queryKey: ['contact'] });
      void queryClient.invalidateQueries({ queryKey: ['timeline'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      if (!patchError) open(kept.id);
    },
  });

  function open(id: string) {
    onClose();
    if (id !== contact.id) navigate(`/contacts/${id}`);
  }

  const done = merge.data;
  return (
    <Modal opened onClose={onClose} size="xl" title={t('contactActions.mergeDialog.title')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {!other ? (
        <DuplicateSearch contact={contact} onPick={(c) => { setOther(c); setSurvivor('current'); setChoices({}); }} />
      ) : done?.patchError ? (
        <Stack>
          <Alert color="yellow" role="status"><Text size="sm">{t('contactActions.mergeDialog.partial')}</Text></Alert>
          <ProblemAlert error={done.patchError} />
          <Group justify="flex-end"><Button onClick={() => open(done.survivor.id)}>{t('contactActions.mergeDialog.openSurvivor')}</Button></Group>
        </Stack>
      ) : (
        <Stack>
          <Text size="sm">{t('contactActions.mergeDialog.hint')}</Text>
          <MergeCompare
            contact={contact}
            other={other}
            survivor={survivor}
            choices={choices}
            onSurvivor={(s) => { setSurvivor(s); setChoices({}); }}
            onChoice={(f, s) => setChoices({ ...choices, [f]: s })}
          />
          <ProblemAlert error={merge.error} />
          <Group justify="space-between">
            <Button variant="default" onClick={() => { setOther(undefined); merge.reset(); }}>{t('contactActions.mergeDialog.back')}</Button>
            <Button color="red" loading={merge.isPending} onClick={() => merge.mutate()}>{t('contactActions.mergeDialog.submit')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
