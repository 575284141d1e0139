import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, unwrap } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { useComposerErrors } from './useComposerErrors.ts';
import { ZonedDateTimeInput } from './ZonedDateTimeInput.tsx';
import { addMinutes, instantOf, nextHour } from './zoned-time.ts';

const FIELDS = ['/title', '/startsAt', '/endsAt', '/location', '/link'] as const;

/** Book a meeting: the next whole hour for 30 minutes unless changed; moving the start moves the end. */
export function MeetingComposer({ contactId, onSent }: { contactId: string; onSent(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [title, setTitle] = useState('');
  const [startsAt, setStartsAt] = useState(() => nextHour(Date.now(), f.timeZone));
  const [endsAt, setEndsAt] = useState(() => addMinutes(startsAt, 30, f.timeZone));
  const [location, setLocation] = useState('');
  const [link, setLink] = useState('');
  const create = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/v1/contacts/{id}/meetings', {
        params: { path: { id: contactId }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: {
          title,
          startsAt: instantOf(startsAt, f.timeZone) ?? startsAt,
          endsAt: instantOf(endsAt, f.timeZone) ?? endsAt,
          location: location.trim() || null,
          link: link.trim() || null,
        },
      })),
    onSuccess: () => {
      setTitle('');
      setLocation('');
      setLink('');
      onSent();
    },
  });
  const errors = useComposerErrors(create.error, FIELDS);
  const moveStart = (v: string) => {
    // Keep the length the seller chose when the start moves.
    const [from, to] = [instantOf(startsAt, f.timeZone), instantOf(endsAt, f.timeZone)];
    const length = from && to ? (Date.parse(to) - Date.parse(from)) / 60_000 : 30;
    setStartsAt(v);
    if (instantOf(v, f.timeZone)) setEndsAt(addMinutes(v, length > 0 ? length : 30, f.timeZone));
  };
  return (
    <Stack gap="xs">
      <TextInput label={t('composerMore.meeting.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={errors.field('/title')} />
      <Group grow align="flex-start" wrap="wrap">
        <ZonedDateTimeInput label={t('composerMore.meeting.startsAt')} value={startsAt} onChange={moveStart} error={errors.field('/startsAt')} required />
        <ZonedDateTimeInput label={t('composerMore.meeting.endsAt')} value={endsAt} onChange={setEndsAt} error={errors.field('/endsAt')} required />
      </Group>
      <Group grow align="flex-start" wrap="wrap">
        <TextInput label={t('composerMore.meeting.location')} value={location} onChange={(e) => setLocation(e.currentTarget.value)} error={errors.field('/location')} miw={200} />
        <TextInput type="url" label={t('composerMore.meeting.link')} value={link} onChange={(e) => setLink(e.currentTarget.value)} error={errors.field('/link')} miw={200} />
      </Group>
      {errors.general && <Alert color="red" role="alert">{errors.general}</Alert>}
      <Group justify="flex-end">
        <Button onClick={() => create.mutate()} loading={create.isPending}>{t('composerMore.meeting.create')}</Button>
      </Group>
    </Stack>
  );
}
