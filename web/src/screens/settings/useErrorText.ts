import { useTranslation } from 'react-i18next';
import type { FieldError } from '../../lib/api.ts';
import { useFieldErrorText } from '../../lib/useFieldError.ts';

/**
 * Words for an API error code on a settings form: the settings bundle's own (passwords, roles,
 * integrations), else the app's shared form errors, else the server's message.
 */
export function useErrorText() {
  const { t, i18n } = useTranslation();
  const shared = useFieldErrorText();
  return (e: FieldError | undefined): string | undefined => {
    if (!e) return undefined;
    const key = `settings.errors.${e.code}`;
    return i18n.exists(key) ? t(key) : shared(e);
  };
}
