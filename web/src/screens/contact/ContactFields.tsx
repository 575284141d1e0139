import { Alert, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fieldErrors, unwrap, type Contact } from '../../lib/api.ts';
import { useFieldErrorText } from '../../lib/useFieldError.ts';
import { contactKey } from './useContact.ts';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company'] as const;
type Field = (typeof FIELDS)[number];
const valuesOf = (c: Contact): Record<Field, string> => ({ firstName: c.firstName, lastName: c.lastName, email: c.email ?? '', phone: c.phone ?? '', company: c.company ?? '' });

/** "Datos": the fields, saved with If-Match; a stale save shows the current values. */
export function ContactFields({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const text = useFieldErrorText();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => valuesOf(contact));
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) setValues(valuesOf(contact));
  }, [contact, dirty]);

  const save = useMutation({
    mutationFn: async () => {
      const body: Record<string, string | null> = {};
      for (const k of FIELDS) {
        const now = values[k].trim();
        if (now !== valuesOf(contact)[k]) body[k] = now === '' && k !== 'firstName' && k !== 'lastName' ? null : now;
      }
      return unwrap(await api.PATCH('/v1/contacts/{id}', { params: { path: { id: contact.id }, header: { 'If-Match': `"${contact.version}"` } }, body }));
    },
    onSuccess: (c) => {
      queryClient.setQueryData(contactKey(contact.id), c);
      setDirty(false);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.problem.status === 412) {
        setDirty(false);
        void queryClient.invalidateQueries({ queryKey: contactKey(contact.id) });
      }
    },
  });
  const errors = fieldErrors(save.error);
  const stale = save.error instanceof ApiError && save.error.problem.status === 412;

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  return (
    <Stack gap="sm">
      <form onSubmit={submit} noValidate aria-labelledby="fields-title">
        <Stack gap="xs">
          <Title order={2} size="h4" id="fields-title">{t('contact.data')}</Title>
          {stale && <Alert color="yellow" role="status">{t('contact.conflict')}</Alert>}
          {FIELDS.map((k) => (
            <TextInput
              key={k}
              label={t(`form.${k}`)}
              name={k}
              value={values[k]}
              onChange={(e) => {
                setValues({ ...values, [k]: e.currentTarget.value });
                setDirty(true);
              }}
              error={text(errors[`/${k}`])}
            />
          ))}
          <Group>
            <Button type="submit" disabled={!dirty} loading={save.isPending}>{t('common.save')}</Button>
            {dirty && <Button variant="default" onClick={() => setDirty(false)}>{t('common.cancel')}</Button>}
            {save.isSuccess && !dirty && <Text size="sm" c="#1b5e20" role="status">{t('contact.saved')}</Text>}
          </Group>
        </Stack>
      </form>
      {/* Consents have their own section beside this one (consents/ConsentsSection.tsx). */}
      <Text size="sm" c="dark.6">{t('contact.source')}: {contact.source}</Text>
    </Stack>
  );
}
