import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrors, type FieldError } from '../../../lib/api.ts';
import { useFieldErrorText } from '../../../lib/useFieldError.ts';

/**
 * A failed save, split for the form: the API's field errors by JSON pointer (shown under their
 * field), and one line for the rest (a problem without field errors, or errors on fields this
 * form does not show).
 */
export function useComposerErrors(error: unknown, shown: readonly string[]) {
  const { t } = useTranslation();
  const formText = useFieldErrorText();
  const byPointer = fieldErrors(error);
  const text = (e: FieldError | undefined) => (e ? t(`composerMore.errors.${e.code}`, { defaultValue: formText(e) }) : undefined);
  const field = (pointer: string) => text(byPointer[pointer]);
  const elsewhere = Object.entries(byPointer).filter(([p]) => !shown.includes(p));
  let general: string | undefined;
  if (error && (Object.keys(byPointer).length === 0 || elsewhere.length > 0)) {
    const code = error instanceof ApiError ? error.problem.code : 'network_error';
    general = elsewhere.length > 0
      ? elsewhere.map(([p, e]) => `${p.slice(1)}: ${text(e)}`).join(' · ')
      : t(`composerMore.errors.${code}`, { defaultValue: error instanceof ApiError && error.problem.detail ? error.problem.detail : t('composerMore.errors.generic', { code }) });
  }
  return { field, general };
}
