import { Alert, Button, Group, NumberInput, Select, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useSendError } from './useSendError.ts';

const OUTCOMES = ['answered', 'no_answer', 'voicemail', 'busy', 'missed', 'failed'] as const;

/** Log a call; an outbound call clears the attention reasons (the domain's rule). */
export function CallComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const sendError = useSendError();
  const [direction, setDirection] = useState<'outbound' | 'inbound'>('outbound');
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('answered');
  const [minutes, setMinutes] = useState<number | string>('');
  const log = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/calls', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { direction, outcome, ...(typeof minutes === 'number' ? { durationSeconds: Math.round(minutes * 60) } : {}) },
      })),
    onSuccess: () => {
      setMinutes('');
      onSent();
    },
  });
  return (
    <Stack gap="xs">
      <Group grow align="flex-start">
        <Select label={t('composer.callDirection')} value={direction} allowDeselect={false} onChange={(v) => v && setDirection(v as 'outbound' | 'inbound')} data={[{ value: 'outbound', label: t('composer.outbound') }, { value: 'inbound', label: t('composer.inbound') }]} />
        <Select label={t('composer.callOutcome')} value={outcome} allowDeselect={false} onChange={(v) => v && setOutcome(v as (typeof OUTCOMES)[number])} data={OUTCOMES.map((o) => ({ value: o, label: t(`timeline.callOutcome.${o}`) }))} />
      </Group>
      <NumberInput label={t('composer.callDuration')} min={0} max={1440} value={minutes} onChange={setMinutes} decimalSeparator="," allowDecimal />
      {log.isError && <Alert color="red" role="alert">{sendError(log.error)}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => log.mutate()} loading={log.isPending}>{t('composer.logCall')}</Button>
      </Group>
    </Stack>
  );
}
