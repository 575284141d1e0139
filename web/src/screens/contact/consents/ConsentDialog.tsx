import { Button, Group, Modal, Radio, Select, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Contact } from '../../../lib/api.ts';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';
import { contactKey, timelineKey } from '../useContact.ts';
import { consentHistoryKey } from './useConsentHistory.ts';

export type ConsentName = keyof Contact['consents'];

/** Mantine's default hint grey and error red fall under 4.5:1 on white; these keep AA (StatusChip's tones). */
const READABLE = { description: { color: '#3d4349' }, error: { color: '#a61b1b' } };

/** The ways a team member learns of a consent change by hand; the API stores the code as `source`. */
export const MANUAL_SOURCES = ['call', 'email', 'whatsapp', 'web', 'in_person', 'manual'] as const;

/**
 * Grant or withdraw one consent with how it was obtained and its proof (domain.md: every change
 * keeps its proof). The proof is a sentence the user writes, kept as `proof.text`.
 */
export function ConsentDialog({ contact, consent, onClose }: { contact: Contact; consent: ConsentName; onClose(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = contact.consents[consent];
  const [value, setValue] = useState<'on' | 'off'>(current ? 'off' : 'on');
  const [source, setSource] = useState<string>('call');
  const [proof, setProof] = useState('');
  const [tried, setTried] = useState(false);
  const name = t(`contact.consent.${consent}`);
  const onOff = (v: boolean) => t(v ? 'contactActions.consents.on' : 'contactActions.consents.off');

  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/consents', { params: { path: { id: contact.id } }, body: { consent, value: value === 'on', source, proof: { text: proof.trim() } } })),
    onSuccess: (c) => {
      queryClient.setQueryData(contactKey(contact.id), c);
      void queryClient.invalidateQueries({ queryKey: consentHistoryKey(contact.id) });
      void queryClient.invalidateQueries({ queryKey: timelineKey(contact.id) });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onClose();
    },
  });
  const proofMissing = proof.trim() === '';

  function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!proofMissing) save.mutate();
  }

  return (
    <Modal opened onClose={onClose} title={t('contactActions.consents.dialogTitle', { consent: name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">{t('contactActions.consents.current', { value: onOff(current) })}</Text>
          <Radio.Group label={t('contactActions.consents.newValue')} value={value} onChange={(v) => setValue(v as 'on' | 'off')}>
            <Group mt={4}>
              <Radio value="on" label={onOff(true)} />
              <Radio value="off" label={onOff(false)} />
            </Group>
          </Radio.Group>
          <Select
            label={t('contactActions.consents.source')}
            data={MANUAL_SOURCES.map((s) => ({ value: s, label: t(`contactActions.consents.sources.${s}`) }))}
            value={source}
            onChange={(v) => v && setSource(v)}
            allowDeselect={false}
          />
          <Textarea
            label={t('contactActions.consents.proof')}
            description={t('contactActions.consents.proofHint')}
            value={proof}
            onChange={(e) => setProof(e.currentTarget.value)}
            error={tried && proofMissing ? t('contactActions.consents.proofRequired') : undefined}
            required
            autosize
            minRows={2}
            maxLength={2000}
            data-autofocus
            styles={READABLE}
          />
          <ProblemAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={save.isPending}>{t('contactActions.consents.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
