import { Alert, Button, Group, PasswordInput, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors } from '../../lib/api.ts';
import { noContent } from './noContent.ts';
import { useSignedIn } from '../../lib/session.tsx';
import { useErrorText } from './useErrorText.ts';
import { setLanguage } from '../../i18n/i18n.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

/** Perfil: who you are, your language (kept in this browser) and your password. */
export function ProfileSection() {
  const { t, i18n } = useTranslation();
  const { user } = useSignedIn();
  return (
    <Stack gap="xl" maw={560}>
      <Stack gap="sm">
        <Title order={2}>{t('settings.section.profile')}</Title>
        {/* The API has no way to rename a user yet: shown, not edited. */}
        <TextInput label={t('settings.profile.name')} value={user.name} readOnly description={t('settings.profile.nameHint')} />
        <TextInput label={t('settings.profile.email')} value={user.email} readOnly />
        <Text size="sm">{t('settings.profile.role')}: {t(`settings.role.${user.role}`)}</Text>
      </Stack>
      <Radio.Group label={t('settings.profile.language')} value={i18n.language} onChange={setLanguage}>
        <Group mt="xs">
          <Radio value="es" label="Español" />
          <Radio value="en" label="English" />
        </Group>
      </Radio.Group>
      <PasswordForm />
    </Stack>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const text = useErrorText();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: async () => noContent(await api.PUT('/v1/users/me/password', { body: { currentPassword: current, newPassword: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
    },
  });
  const errors = fieldErrors(change.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return setMismatch(true);
    setMismatch(false);
    change.mutate();
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title">
      <Stack gap="sm">
        <Title order={3} id="password-title">{t('settings.password.title')}</Title>
        <Text size="sm">{t('settings.password.hint')}</Text>
        {change.isSuccess && <Alert color="green" role="status">{t('settings.password.changed')}</Alert>}
        <ProblemAlert error={change.error} fields={['/currentPassword', '/newPassword']} />
        <PasswordInput label={t('settings.password.current')} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} autoComplete="current-password" error={text(errors['/currentPassword'])} required />
        <PasswordInput label={t('settings.password.new')} value={next} onChange={(e) => setNext(e.currentTarget.value)} autoComplete="new-password" error={text(errors['/newPassword'])} description={t('settings.password.rules')} required />
        <PasswordInput label={t('settings.password.repeat')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} autoComplete="new-password" error={mismatch ? t('settings.password.mismatch') : undefined} required />
        <Group>
          <Button type="submit" loading={change.isPending} disabled={!current || !next || !repeat}>{t('settings.password.submit')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
