import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fieldErrors, unwrap } from '../../lib/api.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import { useErrorText } from './useErrorText.ts';

/**
 * `/invite#token=…`: the page an invite link opens (outside the signed-in shell). The token stays
 * in the fragment, so it never reaches a server log; setting the password signs the person in.
 */
export default function AcceptInvitePage() {
  const { t } = useTranslation();
  const text = useErrorText();
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const accept = useMutation({
    mutationFn: async () => unwrap(await api.POST('/v1/auth/accept-invite', { body: { token, password } })),
    // A full load, so the app starts with the new session cookie.
    onSuccess: () => window.location.assign('/inbox'),
  });
  const errors = fieldErrors(accept.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (password !== repeat) return setMismatch(true);
    setMismatch(false);
    accept.mutate();
  }

  return (
    <Center mih="100dvh" p="md">
      <Paper component="main" withBorder p="xl" w={400} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h3">{t('settings.invite.title')}</Title>
            <Text size="sm">{t('settings.invite.hint')}</Text>
            {!token && <Alert color="red" role="alert">{t('settings.errors.invalid_invite')}</Alert>}
            <ProblemAlert error={accept.error} fields={['/password']} />
            <PasswordInput label={t('settings.password.new')} description={t('settings.password.rules')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" error={text(errors['/password'])} required />
            <PasswordInput label={t('settings.password.repeat')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} autoComplete="new-password" error={mismatch ? t('settings.password.mismatch') : undefined} required />
            <Button type="submit" loading={accept.isPending} disabled={!token || !password || !repeat}>{t('settings.invite.submit')}</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
