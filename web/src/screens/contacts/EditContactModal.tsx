import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fieldErrors, unwrap, type Contact } from '../../lib/api.ts';
import { displayName } from '../../lib/format.ts';
import { useFieldErrorText } from '../../lib/useFieldError.ts';
import { ContactIdentityInputs, IDENTITY_FIELDS, type IdentityValues } from './ContactIdentityInputs.tsx';

/** What the dialog edits, and the version it sends as If-Match: a light page's row carries these. */
export type EditableContact = Pick<Contact, 'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'company' | 'version'>;

const valuesOf = (c: EditableContact): IdentityValues => ({ firstName: c.firstName, lastName: c.lastName, email: c.email ?? '', phone: c.phone ?? '', company: c.company ?? '' });

/**
 * Edit a contact from its row: only the changed fields are sent, with If-Match; the API's field
 * errors (`errors[].pointer`) show under their field and the typed value stays (ui.md §5.4, 422).
 */
export function EditContactModal({ contact, onClose }: { contact: EditableContact; onClose(): void }) {
  const { t } = useTranslation();
  const text = useFieldErrorText();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => valuesOf(contact));
  const save = useMutation({
    mutationFn: async () => {
      const before = valuesOf(contact);
      const body: Record<string, string | null> = {};
      for (const k of IDENTITY_FIELDS) {
        const now = values[k].trim();
        if (now !== before[k]) body[k] = now === '' && k !== 'firstName' && k !== 'lastName' ? null : now;
      }
      return unwrap(await api.PATCH('/v1/contacts/{id}', { params: { path: { id: contact.id }, header: { 'If-Match': `"${contact.version}"` } }, body }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onClose();
    },
  });
  const errors = fieldErrors(save.error);
  const problem = save.error instanceof ApiError ? save.error.problem : undefined;
  const general = problem && !IDENTITY_FIELDS.some((k) => errors[`/${k}`]) ? problem : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  return (
    <Modal opened closeButtonProps={{ 'aria-label': t('common.close') }} onClose={onClose} title={t('views.editTitle', { name: displayName(contact, '—') })}>
      <form onSubmit={submit} noValidate className="contacts-edit">
        <Stack>
          {general && (
            <Alert color={general.status === 412 ? 'yellow' : 'red'} role="alert">
              {general.status === 412 ? t('contact.conflict') : text(general.errors?.[0] ?? { code: general.code, message: general.detail ?? '' })}
            </Alert>
          )}
          <ContactIdentityInputs values={values} onChange={setValues} errors={errors} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={save.isPending}>{t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
