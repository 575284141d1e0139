import { Alert, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, idempotencyKey, unwrap, type Contact } from '../../../lib/api.ts';
import { displayName, useFormat, useNow } from '../../../lib/format.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { useSendError } from './useSendError.ts';

const draftKey = (id: string) => `vixiees.draft.whatsapp.${id}`;

/** Free text inside the 24-hour window; outside it, the text area gives way to the template picker. */
export function WhatsappComposer({ contact, onSent }: { contact: Contact; onSent(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const now = useNow(60_000);
  const sendError = useSendError();
  // The draft outlives reloads and a closing window (kept in this browser).
  const [text, setText] = useState(() => localStorage.getItem(draftKey(contact.id)) ?? '');
  const [picking, setPicking] = useState(false);
  const [serverClosed, setServerClosed] = useState(false);
  useEffect(() => {
    if (text) localStorage.setItem(draftKey(contact.id), text);
    else localStorage.removeItem(draftKey(contact.id));
  }, [text, contact.id]);

  const w = contact.whatsappWindow;
  const left = w.open && w.expiresAt ? (Date.parse(w.expiresAt) - now) / 1000 : 0;
  const open = w.open && left > 0 && !serverClosed;
  const name = displayName(contact, t('inbox.nameless'));

  const send = useMutation({
    mutationFn: async (body: string) =>
      unwrap(await api.POST('/v1/contacts/{id}/whatsapp-messages', {
        params: { path: { id: contact.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { direction: 'outbound', purpose: 'transactional', text: body },
      })),
    onSuccess: () => {
      setText('');
      onSent();
    },
    onError: (err) => {
      // The server's clock wins over ours.
      if (err instanceof ApiError && err.problem.code === 'whatsapp_window_closed') setServerClosed(true);
    },
  });

  const picker = <TemplatePicker contactId={contact.id} opened={picking} onClose={() => setPicking(false)} onSent={onSent} />;
  if (!contact.phone && !contact.whatsappUserId) return <Text c="dark.6">{t('composer.noPhone')}</Text>;

  if (!open) {
    return (
      <Stack gap="xs" data-testid="window-closed">
        <Alert color="gray" variant="light">{w.expiresAt ? t('composer.windowClosed', { name }) : t('composer.windowNever', { name })}</Alert>
        {text && <Text size="sm" c="dark.6">{text}</Text>}
        <Button onClick={() => setPicking(true)} style={{ alignSelf: 'flex-start' }}>{t('composer.chooseTemplate')}</Button>
        {picker}
      </Stack>
    );
  }

  const submit = () => {
    if (text.trim() && !send.isPending) send.mutate(text.trim());
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !matchMedia('(pointer: coarse)').matches) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <Stack gap="xs">
      <Text size="sm" fw={500} c={left < 900 ? '#a61b1b' : left < 7200 ? '#7a4a00' : '#1b5e20'} title={w.expiresAt ? t('composer.windowClosesAt', { when: f.dateTime(w.expiresAt) }) : undefined}>
        {t('composer.windowOpen', { time: f.duration(left) })}
      </Text>
      {!contact.consents.transactionalWhatsapp && <Alert color="red">{t('composer.noConsent', { name })}</Alert>}
      {contact.ignored && <Text size="sm" c="dark.6">{t('composer.ignoredNote')}</Text>}
      <Textarea label={t('composer.message')} autosize minRows={2} maxRows={8} value={text} onChange={(e) => setText(e.currentTarget.value)} onKeyDown={onKey} />
      {send.isError && <Alert color="red" role="alert">{sendError(send.error)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={() => setPicking(true)}>{t('composer.chooseTemplate')}</Button>
        <Button onClick={submit} loading={send.isPending} disabled={!text.trim() || !contact.consents.transactionalWhatsapp}>{t('composer.send')}</Button>
      </Group>
      {picker}
    </Stack>
  );
}
