import { NumberInput, Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Attribute } from '../workspace-data.ts';

/** The typed text as the attribute's stored value (the server checks it against the definition). */
export function attributeValue(a: Attribute, raw: string): unknown {
  switch (a.type) {
    case 'number': return Number(raw);
    case 'boolean': return raw === 'true';
    case 'multi_select': return [raw];
    default: return raw;
  }
}

/** One input per attribute type: options for selects, Sí/No, a number, a calendar date, text. */
export function AttributeValueInput({ attribute, value, onChange }: { attribute: Attribute; value: string; onChange(v: string): void }) {
  const { t } = useTranslation();
  const label = t('views.value');
  switch (attribute.type) {
    case 'single_select':
    case 'multi_select':
      return <Select label={label} data={attribute.options.map((o) => ({ value: o.value, label: o.label }))} value={value || null} onChange={(v) => onChange(v ?? '')} searchable />;
    case 'boolean':
      return <Select label={label} data={[{ value: 'true', label: t('views.yes') }, { value: 'false', label: t('views.no') }]} value={value || null} onChange={(v) => onChange(v ?? '')} />;
    case 'number':
      return <NumberInput label={label} value={value} onChange={(v) => onChange(String(v))} />;
    case 'date':
      return <TextInput type="date" label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
    default:
      return <TextInput label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
}
