import { Button, Menu } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Contact } from '../../../lib/api.ts';
import { noContent } from '../../settings/noContent.ts';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { MergeDialog } from './MergeDialog.tsx';
import { useContactMutation } from './useContactMutation.ts';

type Open = 'ignore' | 'merge' | 'delete' | undefined;

/** "Acciones" in the contact's header: ignore / stop ignoring, merge with a duplicate, delete. */
export function ContactActionsMenu({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open>();
  const close = () => setOpen(undefined);
  const path = { params: { path: { id: contact.id } } };
  const ignore = useContactMutation(contact.id, async () => unwrap(await api.POST('/v1/contacts/{id}/ignore', path)), close);
  const unignore = useContactMutation(contact.id, async () => unwrap(await api.POST('/v1/contacts/{id}/unignore', path)));
  const remove = useContactMutation(
    contact.id,
    async () => noContent(await api.DELETE('/v1/contacts/{id}', { params: { path: { id: contact.id }, header: { 'If-Match': `"${contact.version}"` } } })),
    close,
  );
  if (contact.deletedAt) return null;

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="sm" aria-label={t('contactActions.menuLabel')} loading={unignore.isPending}>{t('contactActions.menu')}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          {contact.ignored
            ? <Menu.Item onClick={() => unignore.mutate()}>{t('contactActions.unignore')}</Menu.Item>
            : <Menu.Item onClick={() => { ignore.reset(); setOpen('ignore'); }}>{t('contactActions.ignore')}</Menu.Item>}
          <Menu.Item onClick={() => setOpen('merge')}>{t('contactActions.merge')}</Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" onClick={() => { remove.reset(); setOpen('delete'); }}>{t('contactActions.delete')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ProblemAlert error={unignore.error} />
      {open === 'ignore' && (
        <ConfirmDialog title={t('contactActions.ignoreTitle')} text={t('contactActions.ignoreText')} confirm={t('contactActions.ignoreConfirm')}
          pending={ignore.isPending} error={ignore.error} onConfirm={() => ignore.mutate()} onClose={close} />
      )}
      {open === 'delete' && (
        <ConfirmDialog title={t('contactActions.deleteTitle')} text={t('contactActions.deleteText')} confirm={t('contactActions.deleteConfirm')}
          pending={remove.isPending} error={remove.error} onConfirm={() => remove.mutate()} onClose={close} />
      )}
      {open === 'merge' && <MergeDialog contact={contact} onClose={close} />}
    </>
  );
}
