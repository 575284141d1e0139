import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../lib/format.ts';

/** A date and time on the workspace's wall clock (the hint names its zone). */
export function ZonedDateTimeInput({ label, value, onChange, error, required }: { label: string; value: string; onChange(v: string): void; error?: string; required?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <TextInput type="datetime-local" label={label} description={t('composerMore.zoneHint', { zone: f.timeZone })} descriptionProps={{ c: 'dark.6' }} value={value} onChange={(e) => onChange(e.currentTarget.value)} error={error} required={required} miw={200} />
  );
}
