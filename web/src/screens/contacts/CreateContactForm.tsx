import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError, api, fieldErrors, idempotencyKey, unwrap } from '../../lib/api.ts';
import { useFieldErrorText } from '../../lib/useFieldError.ts';
import { ContactIdentityInputs, IDENTITY_FIELDS, type IdentityValues } from './ContactIdentityInputs.tsx';

/** New contact; the API's field errors (problem `errors[].pointer`) show under their field. */
export function CreateContactForm({ onDone }: { onDone(): void }) {
  const { t } = useTranslation();
  const text = useFieldErrorText();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<IdentityValues>({ firstName: '', lastName: '', email: '', phone: '', company: '' });
  const create = useMutation({
    mutationFn: async () => {
      const body = Object.fromEntries(IDENTITY_FIELDS.filter((k) => values[k].trim() !== '').map((k) => [k, values[k].trim()]));
      return unwrap(await api.POST('/v1/contacts', { body, headers: { 'idempotency-key': idempotencyKey() } }));
    },
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onDone();
      navigate(`/contacts/${contact.id}`);
    },
  });
  const errors = fieldErrors(create.error);
  const general = create.error instanceof ApiError && !Object.keys(errors).some((p) => IDENTITY_FIELDS.some((f) => p === `/${f}`)) ? create.error.problem : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {general && <Alert color="red" role="alert">{text(general.errors?.[0] ?? { code: general.code, message: general.detail ?? '' })}</Alert>}
        <ContactIdentityInputs values={values} onChange={setValues} errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>{t('common.cancel')}</Button>
          <Button type="submit" loading={create.isPending}>{t('form.create')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
