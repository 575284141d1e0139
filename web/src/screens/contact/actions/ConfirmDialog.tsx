import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../settings/ProblemAlert.tsx';

type Props = { title: string; text: string; confirm: string; pending: boolean; error: unknown; onConfirm(): void; onClose(): void };

/** A yes/no question before an action that takes something away (ignore, delete), with the API's error. */
export function ConfirmDialog({ title, text, confirm, pending, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="sm">{text}</Text>
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>{t('common.cancel')}</Button>
          <Button color="red" loading={pending} onClick={onConfirm}>{confirm}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
