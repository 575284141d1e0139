import { Alert, Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap } from '../../lib/api.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useErrorText } from './useErrorText.ts';
import { useSettingsForm } from './useSettingsForm.ts';

const LOCALES = ['es-ES', 'es-MX', 'es-CO', 'es-AR', 'es-CL', 'es-PE', 'en-GB', 'en-US'];
const KEY = ['settings', 'workspace'];
type Values = { name: string; defaultCountry: string; timeZone: string; locale: string };

/** Espacio de trabajo: name, default country, time zone and locale (PATCH /v1/workspace). */
export function WorkspaceSection() {
  const { t } = useTranslation();
  const text = useErrorText();
  const queryClient = useQueryClient();
  const ws = useQuery({ queryKey: KEY, queryFn: async () => unwrap(await api.GET('/v1/workspace')) });
  const saved: Values | undefined = ws.data && { name: ws.data.name, defaultCountry: ws.data.defaultCountry, timeZone: ws.data.timeZone, locale: ws.data.locale };
  const form = useSettingsForm(saved);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const save = useMutation({
    mutationFn: async (v: Values) => unwrap(await api.PATCH('/v1/workspace', { body: { name: v.name, defaultCountry: v.defaultCountry.toUpperCase(), timeZone: v.timeZone, locale: v.locale } })),
    onSuccess: (w) => queryClient.setQueryData(KEY, w),
  });
  const errors = fieldErrors(save.error);
  const v = form.values;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (v) save.mutate(v);
  }

  return (
    <Stack gap="lg" maw={560}>
      <Title order={2}>{t('settings.section.workspace')}</Title>
      <ProblemAlert error={ws.error} />
      {v && (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {save.isSuccess && !form.dirty && <Alert color="green" role="status">{t('settings.savedChanges')}</Alert>}
            <ProblemAlert error={save.error} fields={['/name', '/defaultCountry', '/timeZone', '/locale']} />
            <TextInput label={t('settings.workspace.name')} value={v.name} onChange={(e) => form.set('name', e.currentTarget.value)} error={text(errors['/name'])} required />
            <TextInput label={t('settings.workspace.country')} description={t('settings.workspace.countryHint')} value={v.defaultCountry} maxLength={2} onChange={(e) => form.set('defaultCountry', e.currentTarget.value)} error={text(errors['/defaultCountry'])} />
            <Select label={t('settings.workspace.timeZone')} data={zones.includes(v.timeZone) ? zones : [v.timeZone, ...zones]} value={v.timeZone} onChange={(z) => z && form.set('timeZone', z)} searchable allowDeselect={false} error={text(errors['/timeZone'])} />
            <Select label={t('settings.workspace.locale')} data={LOCALES.includes(v.locale) ? LOCALES : [v.locale, ...LOCALES]} value={v.locale} onChange={(l) => l && form.set('locale', l)} allowDeselect={false} error={text(errors['/locale'])} />
            <Text size="sm" c="dark.6">{t('settings.workspace.reloadHint')}</Text>
            <Group>
              <Button type="submit" disabled={!form.dirty} loading={save.isPending}>{t('settings.saveChanges')}</Button>
              {form.dirty && <Button variant="default" onClick={form.reset}>{t('settings.discard')}</Button>}
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
