import { useTranslation } from 'react-i18next';
import type { FieldError } from './api.ts';

/** The words for an API field error: ours for known codes, else the server's message. */
export function useFieldErrorText() {
  const { t } = useTranslation();
  return (e: FieldError | undefined): string | undefined =>
    e ? t(`form.errors.${e.code}`, { defaultValue: e.message || t('form.errors.generic', { code: e.code }) }) : undefined;
}
