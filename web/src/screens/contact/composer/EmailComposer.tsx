import { Alert, Button, Group, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap, type Contact } from '../../../lib/api.ts';
import { displayName } from '../../../lib/format.ts';
import { useComposerErrors } from './useComposerErrors.ts';

type Purpose = 'transactional' | 'marketing';
const FIELDS = ['/to', '/to/0', '/purpose', '/subject', '/body'] as const;

/**
 * Send an email. The API records it `queued` and a job delivers it: through the workspace's
 * mailbox when one is connected, else it is only recorded. Empty fields go to the API as they
 * are, so its own error (and code) shows under the field.
 */
export function EmailComposer({ contact, onSent }: { contact: Contact; onSent(): void }) {
  const { t } = useTranslation();
  const [to, setTo] = useState(contact.email ?? '');
  const [purpose, setPurpose] = useState<Purpose>('transactional');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/emails/send', {
        params: { path: { id: contact.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { purpose, subject: subject.trim(), body, ...(to.trim() ? { to: [to.trim()] } : {}) },
      })),
    onSuccess: () => {
      setSubject('');
      setBody('');
      onSent();
    },
  });
  const errors = useComposerErrors(send.error, FIELDS);
  const consent = purpose === 'transactional' ? contact.consents.transactionalEmail : contact.consents.marketingEmail;
  return (
    <Stack gap="xs">
      {!consent && purpose === 'transactional' && <Alert color="yellow">{t('composerMore.email.noConsent', { name: displayName(contact, t('inbox.nameless')) })}</Alert>}
      <Group grow align="flex-start" wrap="wrap">
        <TextInput type="email" label={t('composerMore.email.to')} description={t('composerMore.email.toHint')} descriptionProps={{ c: 'dark.6' }} value={to} onChange={(e) => setTo(e.currentTarget.value)} error={errors.field('/to') ?? errors.field('/to/0')} miw={200} />
        <Select label={t('composerMore.email.purpose')} value={purpose} allowDeselect={false} onChange={(v) => v && setPurpose(v as Purpose)} error={errors.field('/purpose')} miw={160}
          data={(['transactional', 'marketing'] as const).map((p) => ({ value: p, label: t(`composerMore.email.purposes.${p}`) }))} />
      </Group>
      <TextInput label={t('composerMore.email.subject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={errors.field('/subject')} />
      <Textarea label={t('composerMore.email.body')} autosize minRows={3} maxRows={12} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={errors.field('/body')} />
      {errors.general && <Alert color="red" role="alert">{errors.general}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => send.mutate()} loading={send.isPending}>{t('composerMore.email.send')}</Button>
      </Group>
    </Stack>
  );
}
