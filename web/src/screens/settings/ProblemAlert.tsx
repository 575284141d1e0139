import { Alert, Code, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api.ts';
import { useErrorText } from './useErrorText.ts';

/**
 * A failed request's message, for errors that belong to no field: ours for a known code, the
 * server's words otherwise, and the request id under "Detalles" (ui.md §2, states).
 */
export function ProblemAlert({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const { t } = useTranslation();
  const text = useErrorText();
  if (!error) return null;
  if (error instanceof ApiError) {
    const p = error.problem;
    const loose = (p.errors ?? []).filter((e) => !fields.some((f) => e.pointer === f || e.pointer.startsWith(`${f}/`)));
    if ((p.errors?.length ?? 0) > 0 && loose.length === 0) return null;
    const first = loose[0] ?? { code: p.code, message: p.detail ?? p.title ?? '' };
    return (
      <Alert color="red" role="alert">
        <Text size="sm">{p.status === 403 ? t('common.forbidden') : text(first)}</Text>
        {p.requestId && <Text size="xs" mt={4}>{t('common.details')}: <Code>{p.requestId}</Code></Text>}
      </Alert>
    );
  }
  return <Alert color="red" role="alert">{t('settings.networkError')}</Alert>;
}
