import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../lib/api.ts';

/** A failed send, in words, from the problem's code. */
export function useSendError() {
  const { t } = useTranslation();
  return (err: unknown): string | undefined => {
    if (!err) return undefined;
    const code = err instanceof ApiError ? err.problem.code : 'network_error';
    return t(`composer.error.${code}`, { defaultValue: t('composer.error.generic', { code }) });
  };
}
