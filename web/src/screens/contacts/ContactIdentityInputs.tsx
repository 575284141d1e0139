import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../lib/api.ts';
import { useFieldErrorText } from '../../lib/useFieldError.ts';

/** The fields a contact is created and edited with, in the order the forms show them. */
export const IDENTITY_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company'] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export type IdentityValues = Record<IdentityField, string>;

/** One input per identity field, each with the API's error for its pointer (`/email`…) under it. */
export function ContactIdentityInputs({ values, onChange, errors }: { values: IdentityValues; onChange(values: IdentityValues): void; errors: Record<string, FieldError> }) {
  const { t } = useTranslation();
  const text = useFieldErrorText();
  return IDENTITY_FIELDS.map((k) => (
    <TextInput
      key={k}
      label={t(`form.${k}`)}
      name={k}
      type={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'}
      value={values[k]}
      onChange={(e) => onChange({ ...values, [k]: e.currentTarget.value })}
      error={text(errors[`/${k}`])}
      data-autofocus={k === 'firstName' ? true : undefined}
    />
  ));
}
