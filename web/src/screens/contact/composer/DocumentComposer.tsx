import { Alert, Button, FileInput, Group, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useComposerErrors } from './useComposerErrors.ts';

const FIELDS = ['/file'] as const;

/** Attach a file: one multipart field named `file`; the API checks its type against its bytes. */
export function DocumentComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const form = new FormData();
      form.append('file', chosen, chosen.name);
      // The typed body names the field; the browser writes the multipart boundary itself.
      return unwrap(await api.POST('/v1/contacts/{id}/documents', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: form as unknown as { file: string },
      }));
    },
    onSuccess: () => {
      setFile(null);
      onSent();
    },
  });
  const errors = useComposerErrors(upload.error, FIELDS);
  return (
    <Stack gap="xs">
      <FileInput label={t('composerMore.document.file')} description={t('composerMore.document.hint')} descriptionProps={{ c: 'dark.6' }} value={file} onChange={setFile} clearable error={errors.field('/file')}
        accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv,.docx,.xlsx,application/pdf,image/*,text/plain,text/csv" />
      {errors.general && <Alert color="red" role="alert">{errors.general}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => file && upload.mutate(file)} loading={upload.isPending} disabled={!file}>{t('composerMore.document.upload')}</Button>
      </Group>
    </Stack>
  );
}
