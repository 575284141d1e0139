import { Alert, Button, Center, Paper, PasswordInput, Radio, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { setLanguage } from '../../i18n/i18n.ts';
import { useSession, type SignInResult } from '../../lib/session.tsx';

/** Only same-app paths: `next` must never send the user to another site. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/inbox');

export function SignInPage() {
  const { t, i18n } = useTranslation();
  const { session, expired, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [workspaceId, setWorkspaceId] = useState<string>();
  const [failure, setFailure] = useState<Extract<SignInResult, { ok: false }>>();
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  if (session) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const result = await signIn(email, password, workspaceId).catch((): SignInResult => ({ ok: false, code: 'error' }));
    setBusy(false);
    if (result.ok) navigate(next, { replace: true });
    else setFailure(result);
  }

  const message =
    failure?.code === 'invalid_credentials' ? t('signIn.invalid')
    : failure?.code === 'rate_limited' ? t('signIn.rateLimited', { seconds: failure.retryAfter })
    : failure?.code === 'error' ? t('signIn.error')
    : undefined;

  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Paper withBorder shadow="sm" p="xl" w={400} maw="100%">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h2">{t('signIn.title')}</Title>
            {expired && !failure && <Alert color="yellow" role="status">{t('signIn.expired')}</Alert>}
            {message && <Alert color="red" role="alert">{message}</Alert>}
            <TextInput label={t('signIn.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput label={t('signIn.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            {failure?.code === 'workspace_choice_required' && (
              <Radio.Group label={t('signIn.workspace')} description={t('signIn.chooseWorkspace')} value={workspaceId ?? null} onChange={setWorkspaceId} required>
                <Stack gap="xs" mt="xs">
                  {failure.workspaces?.map((w) => <Radio key={w.id} value={w.id} label={w.name} />)}
                </Stack>
              </Radio.Group>
            )}
            <Button type="submit" loading={busy}>{t('signIn.submit')}</Button>
            <Button variant="subtle" size="xs" onClick={() => setLanguage(i18n.language === 'es' ? 'en' : 'es')} lang={i18n.language === 'es' ? 'en' : 'es'}>
              {i18n.language === 'es' ? 'English' : 'Español'}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
