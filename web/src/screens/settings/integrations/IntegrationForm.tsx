import { Button, Group, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap, type Schemas } from '../../../lib/api.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { useErrorText } from '../useErrorText.ts';
import { MappingEditor, type MappingRow } from './MappingEditor.tsx';
import { PROVIDERS, type Integration, type Provider } from './providers.ts';

const mappingOf = (settings: Record<string, string>): MappingRow[] =>
  Object.entries(settings).filter(([k, v]) => k.startsWith('map.') && v !== 'ignore').map(([k, v]) => ({ ref: k.slice(4), target: v }));

/**
 * Create or edit one integration. Secrets are write-only: on edit an empty field keeps the stored
 * value (the API only says which are set), a typed one replaces it.
 */
export function IntegrationForm({ provider, integration, onSaved, onCancel }: { provider: Provider; integration?: Integration; onSaved(i: Integration): void; onCancel(): void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const queryClient = useQueryClient();
  const spec = PROVIDERS[provider]!;
  const [name, setName] = useState(integration?.name ?? '');
  const [settings, setSettings] = useState<Record<string, string>>(() => Object.fromEntries(spec.settings.map((f) => [f.name, integration?.settings[f.name] ?? ''])));
  const [secrets, setSecrets] = useState<Record<string, string>>(() => Object.fromEntries(spec.secrets.map((f) => [f.name, ''])));
  const initialMapping = integration ? mappingOf(integration.settings) : [];
  const [mapping, setMapping] = useState<MappingRow[]>(initialMapping);

  const save = useMutation({
    mutationFn: async () => {
      const s: Record<string, string> = Object.fromEntries(Object.entries(settings).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
      if (spec.mapping) {
        // PATCH merges settings, so a removed row is sent as "ignore".
        for (const r of initialMapping) if (!mapping.some((m) => m.ref.trim() === r.ref)) s[`map.${r.ref}`] = 'ignore';
        for (const r of mapping) if (r.ref.trim()) s[`map.${r.ref.trim()}`] = r.target;
      }
      const sec = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
      if (integration) {
        const body: Schemas['IntegrationUpdate'] = { name: name.trim(), ...(Object.keys(s).length ? { settings: s } : {}), ...(Object.keys(sec).length ? { secrets: sec } : {}) };
        return unwrap(await api.PATCH('/v1/integrations/{id}', { params: { path: { id: integration.id }, header: { 'If-Match': `"${integration.version}"` } }, body }));
      }
      const body = { provider, name: name.trim(), settings: s, secrets: sec } as Schemas['IntegrationCreate'];
      return unwrap(await api.POST('/v1/integrations', { body }));
    },
    onSuccess: (i) => {
      void queryClient.invalidateQueries({ queryKey: ['settings', 'integrations'] });
      onSaved(i);
    },
  });
  const errors = fieldErrors(save.error);
  const knownFields = ['/name', ...spec.settings.map((f) => `/settings/${f.name}`), ...spec.secrets.map((f) => `/secrets/${f.name}`), ...mapping.map((r) => `/settings/map.${r.ref}`)];

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="integration-form-title">
      <Stack gap="sm" maw={640}>
        <Title order={3} id="integration-form-title">
          {integration ? t('settings.integrations.editTitle', { name: integration.name }) : t('settings.integrations.newTitle', { provider: t(`settings.integrations.provider.${provider}`) })}
        </Title>
        <ProblemAlert error={save.error} fields={knownFields} />
        <TextInput label={t('settings.integrations.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(errors['/name'])} required />
        {spec.settings.map((f) => (
          <TextInput
            key={f.name}
            label={t(`settings.integrations.field.${f.name}`)}
            placeholder={f.placeholder}
            value={settings[f.name]}
            onChange={(e) => setSettings({ ...settings, [f.name]: e.currentTarget.value })}
            error={text(errors[`/settings/${f.name}`])}
            required={f.required}
          />
        ))}
        {spec.secrets.map((f) => (
          <PasswordInput
            key={f.name}
            label={t(`settings.integrations.field.${f.name}`)}
            description={integration?.secretsSet.includes(f.name) ? t('settings.integrations.secretSet') : t('settings.integrations.secretHint')}
            value={secrets[f.name]}
            onChange={(e) => setSecrets({ ...secrets, [f.name]: e.currentTarget.value })}
            error={text(errors[`/secrets/${f.name}`])}
            required={f.required && !integration}
            autoComplete="off"
          />
        ))}
        {spec.mapping && <MappingEditor rows={mapping} onChange={setMapping} errorOf={(ref) => text(errors[`/settings/map.${ref}`])} />}
        <Group>
          <Button type="submit" loading={save.isPending}>{integration ? t('settings.saveChanges') : t('settings.integrations.connect')}</Button>
          <Button variant="default" onClick={onCancel}>{t('common.cancel')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
