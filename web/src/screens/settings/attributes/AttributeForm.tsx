import { ActionIcon, Alert, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fieldErrors, unwrap, type Schemas } from '../../../lib/api.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { useErrorText } from '../useErrorText.ts';
import './attributes.css';

type Attribute = Schemas['ContactAttribute'];
type AttributeType = Attribute['type'];
type Option = { value: string; label: string };

export const ATTRIBUTES_KEY = ['contact-attributes'];
export const ATTRIBUTE_TYPES: AttributeType[] = ['text', 'number', 'date', 'single_select', 'multi_select', 'boolean'];
const isSelect = (type: AttributeType) => type === 'single_select' || type === 'multi_select';

/** "Interés alto" → `interes_alto`: a suggestion for the stable key/value, which the API then checks. */
export function slug(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 63);
}

/** The 409 `attribute_in_use` count: contacts holding values the change would clear. */
export function inUseCount(err: unknown): number | undefined {
  return err instanceof ApiError && err.problem.code === 'attribute_in_use' ? Number(err.problem.count ?? 0) : undefined;
}

type Props = { editing?: Attribute; onClose(): void };

/**
 * Create a definition (key, label, type, options, required) or edit one (label, options,
 * required: the key and type stay). Options removed while contacts hold them are refused by the
 * API with the count; the admin then confirms clearing those values (`?mode=clear`).
 */
export function AttributeForm({ editing, onClose }: Props) {
  const { t } = useTranslation();
  const text = useErrorText();
  const queryClient = useQueryClient();
  const [key, setKey] = useState(editing?.key ?? '');
  const [keyTouched, setKeyTouched] = useState(!!editing);
  const [label, setLabel] = useState(editing?.label ?? '');
  const [type, setType] = useState<AttributeType>(editing?.type ?? 'text');
  const [options, setOptions] = useState<Option[]>(editing?.options ?? []);
  const [required, setRequired] = useState(editing?.required ?? false);

  const save = useMutation({
    mutationFn: async (mode?: 'clear') => {
      const opts = isSelect(type) ? options.map((o) => ({ value: o.value.trim(), label: o.label.trim() })) : undefined;
      if (editing) {
        return unwrap(await api.PATCH('/v1/contact-attributes/{id}', {
          params: { path: { id: editing.id }, query: mode ? { mode } : {} },
          body: { label, required, ...(opts ? { options: opts } : {}) },
        }));
      }
      return unwrap(await api.POST('/v1/contact-attributes', { body: { key, label, type, required, ...(opts ? { options: opts } : {}) } }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ATTRIBUTES_KEY });
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const inUse = inUseCount(save.error);

  const setLabelAndKey = (next: string) => {
    setLabel(next);
    if (!keyTouched) setKey(slug(next));
  };
  const setOption = (i: number, patch: Partial<Option>) => setOptions((all) => all.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  const setOptionLabel = (i: number, next: string) =>
    // The value follows the label until it is typed by hand or already stored on contacts.
    setOptions((all) => all.map((o, j) => (j === i ? { label: next, value: isStored(o) || (o.value && o.value !== slug(o.label)) ? o.value : slug(next) } : o)));
  const isStored = (o: Option) => !!editing?.options.some((s) => s.value === o.value);

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(undefined);
  }

  return (
    <Modal opened onClose={onClose} title={editing ? t('settings.attributes.editTitle', { label: editing.label }) : t('settings.attributes.new')} closeButtonProps={{ 'aria-label': t('common.close') }} size="lg">
      <form className="attribute-form" onSubmit={submit} noValidate aria-label={editing ? t('settings.attributes.editTitle', { label: editing.label }) : t('settings.attributes.new')}>
        <Stack gap="sm">
          {inUse === undefined && <ProblemAlert error={save.error} fields={['/key', '/label', '/type', '/options', '/required']} />}
          <TextInput label={t('settings.attributes.label')} value={label} onChange={(e) => setLabelAndKey(e.currentTarget.value)} error={text(errors['/label'])} required data-autofocus />
          <TextInput
            label={t('settings.attributes.key')}
            description={editing ? t('settings.attributes.keyFixed') : t('settings.attributes.keyHint')}
            value={key}
            onChange={(e) => {
              setKeyTouched(true);
              setKey(e.currentTarget.value);
            }}
            error={errors['/key']?.code === 'invalid_format' ? t('settings.attributes.keyFormat') : text(errors['/key'])}
            disabled={!!editing}
            required
          />
          <Select
            label={t('settings.attributes.type')}
            data={ATTRIBUTE_TYPES.map((v) => ({ value: v, label: t(`settings.attributes.types.${v}`) }))}
            value={type}
            onChange={(v) => v && setType(v as AttributeType)}
            allowDeselect={false}
            disabled={!!editing}
            description={editing ? t('settings.attributes.typeFixed') : undefined}
            error={text(errors['/type'])}
          />
          {isSelect(type) && (
            <Stack gap={6} role="group" aria-label={t('settings.attributes.options')}>
              <Text size="sm" fw={500}>{t('settings.attributes.options')}</Text>
              {options.map((o, i) => (
                <Group key={i} align="flex-start" wrap="nowrap" gap="xs" data-testid="attribute-option">
                  <TextInput style={{ flex: 1 }} label={t('settings.attributes.optionLabel', { n: i + 1 })} value={o.label} onChange={(e) => setOptionLabel(i, e.currentTarget.value)} error={text(errors[`/options/${i}/label`])} />
                  <TextInput style={{ flex: 1 }} label={t('settings.attributes.optionValue', { n: i + 1 })} value={o.value} onChange={(e) => setOption(i, { value: e.currentTarget.value })} error={text(errors[`/options/${i}/value`] ?? errors[`/options/${i}`])} disabled={isStored(o)} />
                  <ActionIcon mt={26} variant="subtle" color="red" onClick={() => setOptions((all) => all.filter((_, j) => j !== i))} aria-label={t('settings.attributes.removeOption', { n: i + 1 })}>×</ActionIcon>
                </Group>
              ))}
              {errors['/options'] && inUse === undefined && <Text size="sm" c="red.8" role="alert">{t(`settings.attributes.optionsError.${errors['/options'].code}`, { defaultValue: text(errors['/options']) })}</Text>}
              <Group><Button size="xs" variant="default" onClick={() => setOptions((all) => [...all, { value: '', label: '' }])}>{t('settings.attributes.addOption')}</Button></Group>
            </Stack>
          )}
          <Checkbox label={t('settings.attributes.required')} description={t('settings.attributes.requiredHint')} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} />
          {inUse !== undefined && (
            <Alert color="yellow" role="alert" title={t('settings.attributes.inUseTitle')}>
              <Stack gap="xs">
                <Text size="sm">{t('settings.attributes.inUseOptions', { count: inUse })}</Text>
                <Group><Button size="xs" color="red" loading={save.isPending} onClick={() => save.mutate('clear')}>{t('settings.attributes.saveAndClear')}</Button></Group>
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={save.isPending && save.variables === undefined}>{editing ? t('settings.saveChanges') : t('settings.attributes.create')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
