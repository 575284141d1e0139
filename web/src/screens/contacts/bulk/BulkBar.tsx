import { Button, Group, Menu, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../lib/format.ts';
import type { BulkKind } from './BulkDialog.tsx';

const KINDS: BulkKind[] = ['setOwner', 'moveStage', 'setAttribute', 'clearStage', 'setConsent', 'ignore', 'unignore', 'delete'];

type Props = {
  count: number;
  allMatching: boolean;
  /** Every loaded row is ticked: offer the whole filter instead (the action then carries the filter). */
  pageSelected: boolean;
  /** How many contacts the filter matches. */
  matching?: number;
  onSelectAllMatching(): void;
  onClear(): void;
  onAction(kind: BulkKind): void;
};

/** The bar at the bottom while rows are selected: the count, "all that match", and the actions. */
export function BulkBar({ count, allMatching, pageSelected, matching, onSelectAllMatching, onClear, onAction }: Props) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Paper withBorder shadow="sm" p="xs" className="contacts-bulkbar" role="region" aria-label={t('views.bulk.bar')}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Text size="sm" fw={500} data-testid="selection-count" aria-live="polite">
            {allMatching ? t('views.bulk.allMatching', { count, n: f.number(count) }) : t('views.bulk.selected', { count, n: f.number(count) })}
          </Text>
          {!allMatching && pageSelected && matching !== undefined && (
            <Button size="compact-sm" variant="subtle" onClick={onSelectAllMatching}>{t('views.bulk.selectAllMatching', { count: matching, n: f.number(matching) })}</Button>
          )}
          <Button size="compact-sm" variant="subtle" onClick={onClear}>{t('views.bulk.clear')}</Button>
        </Group>
        <Group gap="xs">
          <Button size="sm" onClick={() => onAction('setOwner')}>{t('views.bulk.setOwner')}</Button>
          <Button size="sm" variant="default" onClick={() => onAction('moveStage')}>{t('views.bulk.moveStage')}</Button>
          <Menu position="top-end">
            <Menu.Target><Button size="sm" variant="default">{t('views.bulk.more')}</Button></Menu.Target>
            <Menu.Dropdown>
              {KINDS.filter((k) => k !== 'setOwner' && k !== 'moveStage').map((k) => (
                <Menu.Item key={k} color={k === 'delete' ? 'red' : undefined} onClick={() => onAction(k)}>{t(`views.bulk.${k}`)}</Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
    </Paper>
  );
}
