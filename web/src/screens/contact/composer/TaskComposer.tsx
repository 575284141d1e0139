import { Alert, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { useSignedIn } from '../../../lib/session.tsx';
import { useUsers } from '../../contacts/workspace-data.ts';
import { useComposerErrors } from './useComposerErrors.ts';
import { ZonedDateTimeInput } from './ZonedDateTimeInput.tsx';
import { instantOf } from './zoned-time.ts';

const FIELDS = ['/title', '/dueAt', '/assigneeId'] as const;

/** A to-do about this contact, for me by default, with an optional due time. */
export function TaskComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { user } = useSignedIn();
  const users = useUsers();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [assignee, setAssignee] = useState<string | null>(user.id);
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/tasks', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { title, dueAt: due ? (instantOf(due, f.timeZone) ?? due) : null, assigneeId: assignee },
      })),
    onSuccess: () => {
      setTitle('');
      setDue('');
      onSent();
    },
  });
  const errors = useComposerErrors(create.error, FIELDS);
  const people = (users.data ?? []).map((u) => ({ value: u.id, label: u.name || u.email }));
  if (!people.some((p) => p.value === user.id)) people.unshift({ value: user.id, label: user.name || user.email });
  return (
    <Stack gap="xs">
      <TextInput label={t('composerMore.task.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.field('/title')} />
      <Group grow align="flex-start" wrap="wrap">
        <ZonedDateTimeInput label={t('composerMore.task.dueAt')} value={due} onChange={setDue} error={errors.field('/dueAt')} />
        <Select label={t('composerMore.task.assignee')} placeholder={t('composerMore.task.unassigned')} value={assignee} onChange={setAssignee} clearable data={people} error={errors.field('/assigneeId')} miw={180} />
      </Group>
      {errors.general && <Alert color="red" role="alert">{errors.general}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => create.mutate()} loading={create.isPending}>{t('composerMore.task.create')}</Button>
      </Group>
    </Stack>
  );
}
