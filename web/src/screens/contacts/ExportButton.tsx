import { Button, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Problem, type Schemas } from '../../lib/api.ts';
import type { FilterTree } from './url-state.ts';

type Props = { q: string; filter?: FilterTree };

/** `attachment; filename="contactos-2026-11-28.csv"` → the name; the server picks it (workspace date). */
function filenameOf(disposition: string | null): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? 'contactos.csv';
}

/** The browser's own download of a file we already hold (a link to an object URL, clicked). */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download; revoking on the next tick frees it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * "Exportar": the CSV of what the table shows (filter tree and search box) through
 * `POST /v1/contacts/export`, sent by the typed client so the session cookie and CSRF header
 * ride along. Rows come in creation order (the export's stable walk), not the table's sort.
 */
export function ExportButton({ q, filter }: Props) {
  const { t } = useTranslation();
  const download = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await api.POST('/v1/contacts/export', {
        body: {
          includeDeleted: false,
          ...(q ? { search: q } : {}),
          // The tree is checked by the server, as for the table's own search.
          ...(filter ? { filter: filter as Schemas['ContactExportRequest']['filter'] } : {}),
        },
        parseAs: 'blob',
      });
      if (error !== undefined || !data) throw new ApiError({ status: response.status, code: 'unknown_error', ...(error as Partial<Problem>) } as Problem);
      saveFile(data, filenameOf(response.headers.get('content-disposition')));
    },
  });
  return (
    <>
      <Button variant="default" onClick={() => download.mutate()} loading={download.isPending} data-testid="export-view">{t('views.export')}</Button>
      {download.isError && <Text size="sm" c="red.8" role="alert">{t('views.exportFailed', { code: download.error instanceof ApiError ? download.error.problem.code : 'network' })}</Text>}
    </>
  );
}
