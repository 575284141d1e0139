import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap, type Contact } from '../../../lib/api.ts';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';
import { contactKey } from '../useContact.ts';
import { DuplicateSearch } from './DuplicateSearch.tsx';
import { MergeCompare } from './MergeCompare.tsx';
import { MERGE_FIELDS, conflicts, type MergeField, type Side } from './merge-plan.ts';


/** Merge with a duplicate: find it, compare side by side, pick per field, merge, open the survivor. */
export function MergeDialog({ contact, onClose }: { contact: Contact; onClose(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [other, setOther] = useState<Contact | undefined>();
  const [survivor, setSurvivor] = useState<Side>('current');
  const [choices, setChoices] = useState<Partial<Record<MergeField, Side>>>({});

  // One request: the values picked from the absorbed contact are taken in the merge's own transaction.
  const merge = useMutation({
    mutationFn: async (): Promise<Contact> => {
      if (!other) throw new Error('no duplicate chosen');
      const [keep, absorb] = survivor === 'current' ? [contact, other] : [other, contact];
      const takeFromOther = MERGE_FIELDS.filter((f) => conflicts(contact, other, f) && (choices[f] ?? survivor) !== survivor);
      return unwrap(await api.POST('/v1/contacts/{id}/merge', { params: { path: { id: keep.id } }, body: { otherContactId: absorb.id, takeFromOther } }));
    },
    onSuccess: (kept) => {
      queryClient.setQueryData(contactKey(kept.id), kept);
      void queryClient.invalidateQueries({ queryKey: ['contact'] });
      void queryClient.invalidateQueries({ queryKey: ['timeline'] });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      open(kept.id);
    },
  });

  function open(id: string) {
    onClose();
    if (id !== contact.id) navigate(`/contacts/${id}`);
  }

  return (
    <Modal opened onClose={onClose} size="xl" title={t('contactActions.mergeDialog.title')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      {!other ? (
        <DuplicateSearch contact={contact} onPick={(c) => { setOther(c); setSurvivor('current'); setChoices({}); }} />
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
