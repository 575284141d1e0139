import { Alert, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useSendError } from './useSendError.ts';

/** An internal note (a comment): yellow, "Guardar nota", never "Enviar". */
export function NoteComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const sendError = useSendError();
  const [body, setBody] = useState('');
  const save = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/comments', { params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } }, body: { body: body.trim() } })),
    onSuccess: () => {
      setBody('');
      onSent();
    },
  });
  return (
    <Paper bg="yellow.0" p="xs" radius="md">
      <Stack gap="xs">
        <Text size="sm" fw={500}>🔒 {t('composer.noteHint')}</Text>
        <Textarea label={t('composer.noteField')} autosize minRows={2} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
        {save.isError && <Alert color="red" role="alert">{sendError(save.error)}</Alert>}
        <Group justify="flex-end">
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!body.trim()}>{t('composer.saveNote')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
