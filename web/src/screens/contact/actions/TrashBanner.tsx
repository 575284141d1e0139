import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type Contact } from '../../../lib/api.ts';
import { useFormat } from '../../../lib/format.ts';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';
import { useContactMutation } from './useContactMutation.ts';

/**
 * A contact in the trash (GET still answers it, with `deletedAt`): says since when and offers
 * "Restaurar"; one merged into another cannot come back (the API answers 409), so it links there.
 */
export function TrashBanner({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const f = useFormat();
  const restore = useContactMutation(contact.id, async () => unwrap(await api.POST('/v1/contacts/{id}/restore', { params: { path: { id: contact.id } } })));
  if (!contact.deletedAt) return null;
  const when = f.dateTime(contact.deletedAt);
  return (
    <Alert color={contact.mergedIntoId ? 'gray' : 'yellow'} role="status" data-testid="trash-banner">
      <Stack gap="xs">
        {contact.mergedIntoId ? (
          <Group justify="space-between">
            <Text size="sm">{t('contactActions.trash.merged', { when })}</Text>
            <Anchor component={Link} to={`/contacts/${contact.mergedIntoId}`} size="sm">{t('contactActions.trash.openSurvivor')}</Anchor>
          </Group>
        ) : (
          <Group justify="space-between">
            <Text size="sm">{t('contactActions.trash.deleted', { when })}</Text>
            <Button size="xs" onClick={() => restore.mutate()} loading={restore.isPending}>{t('contactActions.trash.restore')}</Button>
          </Group>
        )}
        <ProblemAlert error={restore.error} />
      </Stack>
    </Alert>
  );
}
