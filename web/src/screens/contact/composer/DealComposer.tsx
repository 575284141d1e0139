import { Alert, Button, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { minorUnits } from './money.ts';
import { useComposerErrors } from './useComposerErrors.ts';

type Status = 'open' | 'won' | 'lost';
const FIELDS = ['/title', '/amountMinor', '/currency', '/status', '/expectedCloseDate'] as const;

/** A deal with an amount in the contact's currency (EUR first); the API checks the pair. */
export function DealComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const currencies = useMemo(() => Intl.supportedValuesOf('currency'), []);
  const [title, setTitle] = useState('');
  const [amount, setAmount] = useState<number | string>('');
  const [currency, setCurrency] = useState('EUR');
  const [status, setStatus] = useState<Status>('open');
  const [closeDate, setCloseDate] = useState('');
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/deals', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: {
          title,
          amountMinor: typeof amount === 'number' ? Math.round(amount * minorUnits(currency.trim() || null)) : null,
          currency: currency.trim() || null,
          status,
          expectedCloseDate: closeDate || null,
        },
      })),
    onSuccess: () => {
      setTitle('');
      setAmount('');
      setCloseDate('');
      onSent();
    },
  });
  const errors = useComposerErrors(create.error, FIELDS);
  const decimals = Math.log10(minorUnits(/^[A-Z]{3}$/.test(currency) ? currency : null));
  const comma = f.locale.startsWith('es');
  return (
    <Stack gap="xs">
      <TextInput label={t('composerMore.deal.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.field('/title')} />
      <Group grow align="flex-start" wrap="wrap">
        <NumberInput label={t('composerMore.deal.amount')} value={amount} onChange={setAmount} min={0} decimalScale={decimals} allowNegative={false}
          decimalSeparator={comma ? ',' : '.'} thousandSeparator={comma ? '.' : ','} error={errors.field('/amountMinor')} miw={140} />
        {/* Typed, not picked: an empty box is a deal without currency, and the API says what it needs. */}
        <TextInput label={t('composerMore.deal.currency')} description={t('composerMore.deal.currencyHint')} descriptionProps={{ c: 'dark.6' }} value={currency} maxLength={3} list="composer-currencies" autoComplete="off"
          onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())} error={errors.field('/currency')} miw={110} />
        <datalist id="composer-currencies">{currencies.map((c) => <option key={c} value={c} />)}</datalist>
      </Group>
      <Group grow align="flex-start" wrap="wrap">
        <Select label={t('composerMore.deal.status')} value={status} allowDeselect={false} onChange={(v) => v && setStatus(v as Status)} error={errors.field('/status')} miw={140}
          data={(['open', 'won', 'lost'] as const).map((s) => ({ value: s, label: t(`composerMore.deal.statuses.${s}`) }))} />
        <TextInput type="date" label={t('composerMore.deal.expectedCloseDate')} value={closeDate} onChange={(e) => setCloseDate(e.currentTarget.value)} error={errors.field('/expectedCloseDate')} miw={160} />
      </Group>
      {errors.general && <Alert color="red" role="alert">{errors.general}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => create.mutate()} loading={create.isPending}>{t('composerMore.deal.create')}</Button>
      </Group>
    </Stack>
  );
}
