import { Button, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Condition } from '../url-state.ts';
import { VALUELESS_OPS, type FieldDef } from './fields.ts';
import type { useFilterFields } from './useFilterFields.ts';

type Props = { catalogue: ReturnType<typeof useFilterFields>; onApply(c: Condition): void; onCancel(): void };

/** The typed value → the API's value for the field's kind (dates as instants, days as seconds). */
function toApiValue(def: FieldDef, op: string, raw: string): unknown {
  if (VALUELESS_OPS.has(op)) return raw !== 'false';
  switch (def.kind) {
    case 'boolean': return raw === 'true';
    case 'number': return Number(raw);
    case 'days': return Math.round(Number(raw) * 86400);
    case 'instant': return new Date(`${raw}T00:00:00`).toISOString();
    default: return op === 'contains_any' ? [raw] : raw;
  }
}

/** Field → operator → value, one condition; the operators offered are the field's (by type). */
export function FilterEditor({ catalogue, onApply, onCancel }: Props) {
  const { t } = useTranslation();
  const { fields, byName, label, owners, stages } = catalogue;
  const [field, setField] = useState<string | null>(null);
  const [op, setOp] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const def = field ? byName.get(field) : undefined;

  const fieldData = [
    { group: t('views.fieldsGroup'), items: fields.filter((d) => d.group === 'fields').map((d) => ({ value: d.field, label: label(d.label) })) },
    { group: t('views.attributesGroup'), items: fields.filter((d) => d.group === 'attributes').map((d) => ({ value: d.field, label: label(d.label) })) },
  ].filter((g) => g.items.length > 0);

  const choose = (name: string | null) => {
    setField(name);
    const next = name ? byName.get(name) : undefined;
    setOp(next?.ops[0] ?? null);
    setValue(next?.kind === 'boolean' ? 'true' : '');
  };
  const chooseOp = (next: string | null) => {
    setOp(next);
    if (next && VALUELESS_OPS.has(next)) setValue('true');
    else if (op && VALUELESS_OPS.has(op)) setValue(def?.kind === 'boolean' ? 'true' : '');
  };

  const ready = def && op && value !== '' && (def.kind !== 'number' && def.kind !== 'days' ? true : Number.isFinite(Number(value)));
  function submit(e: FormEvent) {
    e.preventDefault();
    e.stopPropagation();
    if (!def || !op || !ready) return;
    onApply({ field: def.field, op, value: toApiValue(def, op, value) });
  }

  const yesNo = [{ value: 'true', label: t('views.yes') }, { value: 'false', label: t('views.no') }];
  const valueInput = () => {
    if (!def || !op) return null;
    if (VALUELESS_OPS.has(op)) return <Select label={t('views.value')} data={[{ value: 'true', label: t('views.op.isEmpty') }, { value: 'false', label: t('views.op.notEmpty') }]} value={value} onChange={(v) => setValue(v ?? 'true')} allowDeselect={false} comboboxProps={{ withinPortal: false }} />;
    const common = { label: t('views.value'), value, comboboxProps: { withinPortal: false }, searchable: true, allowDeselect: false } as const;
    switch (def.kind) {
      case 'boolean': return <Select {...common} searchable={false} data={yesNo} onChange={(v) => setValue(v ?? '')} />;
      case 'owner': return <Select {...common} data={owners} onChange={(v) => setValue(v ?? '')} />;
      case 'stage': return <Select {...common} data={stages} onChange={(v) => setValue(v ?? '')} />;
      case 'enum': return <Select {...common} data={(def.options ?? []).map((o) => ({ value: o.value, label: label(o.label) }))} onChange={(v) => setValue(v ?? '')} />;
      case 'number':
      case 'days':
        return <NumberInput label={def.kind === 'days' ? t('views.valueDays') : t('views.value')} value={value} onChange={(v) => setValue(String(v))} min={0} />;
      case 'date':
      case 'instant':
        return <TextInput type="date" label={t('views.value')} value={value} onChange={(e) => setValue(e.currentTarget.value)} />;
      default: return <TextInput label={t('views.value')} value={value} onChange={(e) => setValue(e.currentTarget.value)} data-autofocus />;
    }
  };

  return (
    <form onSubmit={submit} aria-label={t('views.addFilter')}>
      <Stack gap="xs" w={300}>
        <Select label={t('views.field.label')} data={fieldData} value={field} onChange={choose} searchable comboboxProps={{ withinPortal: false }} data-autofocus />
        {def && (
          <Select
            label={t('views.operator')}
            data={def.ops.map((o) => ({ value: o, label: t(`views.op.${o}`) }))}
            value={op}
            onChange={chooseOp}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
          />
        )}
        {valueInput()}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" size="xs" onClick={onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" size="xs" disabled={!ready}>{t('views.apply')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
