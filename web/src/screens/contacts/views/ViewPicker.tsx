import { Alert, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldErrors } from '../../../lib/api.ts';
import { useFieldErrorText } from '../../../lib/useFieldError.ts';
import type { ContactsUrl } from '../url-state.ts';
import { differsFrom, urlOf, useSavedViews, type SavedView } from './useSavedViews.ts';

type Props = { url: ContactsUrl; onOpen(patch: Partial<ContactsUrl>, replace?: boolean): void };
type Dialog = { kind: 'saveAs' } | { kind: 'rename'; view: SavedView } | { kind: 'delete'; view: SavedView } | null;

/**
 * The view picker: open a view (it hydrates into the URL), save, save as, rename, delete; and
 * "Vista modificada · Guardar · Descartar" while the URL differs from the stored view.
 */
export function ViewPicker({ url, onOpen }: Props) {
  const { t } = useTranslation();
  const views = useSavedViews();
  const [dialog, setDialog] = useState<Dialog>(null);
  const current = views.list.data?.find((v) => v.id === url.view);
  const modified = current ? differsFrom(current, url) : false;

  // A shared link with only `view=`: its filter, sort and columns come in once, replacing the entry.
  const hydrated = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!current || hydrated.current === current.id) return;
    hydrated.current = current.id;
    if (!url.filter && !url.sort && !url.cols) onOpen(urlOf(current), true);
  }, [current, url.filter, url.sort, url.cols, onOpen]);

  const failed = [views.save, views.remove].find((m) => m.error instanceof ApiError)?.error as ApiError | undefined;

  return (
    <Group gap="xs" wrap="wrap">
      <Menu position="bottom-start" shadow="md">
        <Menu.Target>
          <Button variant="default" size="sm" data-testid="view-picker">{current ? t('views.current', { name: current.name }) : t('views.title')}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('views.savedViews')}</Menu.Label>
          {(views.list.data ?? []).length === 0 && <Menu.Item disabled>{t('views.none')}</Menu.Item>}
          {(views.list.data ?? []).map((v) => (
            <Menu.Item key={v.id} onClick={() => onOpen(urlOf(v))} aria-current={v.id === url.view ? 'true' : undefined}>
              {v.name}{v.visibility === 'shared' ? ` · ${t('views.shared')}` : ''}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={() => setDialog({ kind: 'saveAs' })}>{t('views.saveAs')}</Menu.Item>
          {current && <Menu.Item onClick={() => setDialog({ kind: 'rename', view: current })}>{t('views.rename')}</Menu.Item>}
          {current && <Menu.Item color="red" onClick={() => setDialog({ kind: 'delete', view: current })}>{t('views.delete')}</Menu.Item>}
          {current && <Menu.Item onClick={() => onOpen({ view: undefined, filter: undefined, sort: undefined, cols: undefined })}>{t('views.closeView')}</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      {current && modified && (
        <Group gap={4} data-testid="view-modified">
          <Text size="sm" c="dark.6">{t('views.modified')}</Text>
          <Text size="sm" c="dark.6" aria-hidden="true">·</Text>
          <Button size="compact-sm" variant="subtle" loading={views.save.isPending} onClick={() => views.save.mutate({ view: current, url })}>{t('common.save')}</Button>
          <Text size="sm" c="dark.6" aria-hidden="true">·</Text>
          <Button size="compact-sm" variant="subtle" onClick={() => onOpen(urlOf(current))}>{t('views.discard')}</Button>
        </Group>
      )}
      {!current && url.filter && <Button size="compact-sm" variant="subtle" onClick={() => setDialog({ kind: 'saveAs' })}>{t('views.saveView')}</Button>}
      {failed && <Text size="sm" c="red.8" role="alert">{failed.problem.status === 412 ? t('views.stale') : t('views.failed', { code: failed.problem.code })}</Text>}
      <Modal opened={dialog?.kind === 'saveAs' || dialog?.kind === 'rename'} closeButtonProps={{ 'aria-label': t('common.close') }} onClose={() => setDialog(null)} title={dialog?.kind === 'rename' ? t('views.renameTitle') : t('views.saveAsTitle')}>
        {(dialog?.kind === 'saveAs' || dialog?.kind === 'rename') && (
          <NameForm
            initial={dialog.kind === 'rename' ? dialog.view.name : ''}
            submit={async (name) => {
              if (dialog.kind === 'rename') await views.rename.mutateAsync({ view: dialog.view, name });
              else onOpen({ view: (await views.create.mutateAsync({ name, url })).id });
              setDialog(null);
            }}
            onCancel={() => setDialog(null)}
          />
        )}
      </Modal>
      <Modal opened={dialog?.kind === 'delete'} closeButtonProps={{ 'aria-label': t('common.close') }} onClose={() => setDialog(null)} title={t('views.delete')}>
        {dialog?.kind === 'delete' && (
          <Stack>
            <Text>{t('views.deleteConfirm', { name: dialog.view.name })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)}>{t('common.cancel')}</Button>
              <Button color="red" loading={views.remove.isPending} onClick={async () => {
                await views.remove.mutateAsync(dialog.view);
                setDialog(null);
                onOpen({ view: undefined });
              }}>{t('views.delete')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Group>
  );
}

function NameForm({ initial, submit, onCancel }: { initial: string; submit(name: string): Promise<void>; onCancel(): void }) {
  const { t } = useTranslation();
  const text = useFieldErrorText();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await submit(name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const fieldError = fieldErrors(error)['/name'];
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <TextInput label={t('views.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={text(fieldError)} data-autofocus />
        {error instanceof ApiError && !fieldError && <Alert color="red" role="alert">{t('views.failed', { code: error.problem.code })}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" loading={busy}>{t('common.save')}</Button>
        </Group>
      </Stack>
    </form>
  );
}
