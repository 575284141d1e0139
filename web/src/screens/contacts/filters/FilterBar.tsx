import { Button, CloseButton, Group, Paper, Popover, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conditionsOf, treeOf, type Condition, type FilterTree } from '../url-state.ts';
import { FilterEditor } from './FilterEditor.tsx';
import { useFilterFields } from './useFilterFields.ts';

type Props = { filter?: FilterTree; onChange(next: FilterTree | undefined): void };

/**
 * The active conditions (AND) as removable chips and "Filtros" to add one. A tree the bar cannot
 * show as a list (OR, NOT, from the API or a shared link) is one chip that can be removed whole.
 */
export function FilterBar({ filter, onChange }: Props) {
  const { t } = useTranslation();
  const catalogue = useFilterFields();
  const [open, setOpen] = useState(false);
  const conditions = conditionsOf(filter);

  const add = (c: Condition) => {
    onChange(treeOf([...(conditions ?? (filter ? [filter as Condition] : [])), c]));
    setOpen(false);
  };
  const remove = (i: number) => onChange(treeOf((conditions ?? []).filter((_, j) => j !== i)));

  return (
    <Group gap="xs" wrap="wrap" role="group" aria-label={t('views.filters')}>
      <Popover opened={open} onChange={setOpen} trapFocus returnFocus position="bottom-start" shadow="md">
        <Popover.Target>
          <Button variant="light" size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open}>{t('views.filtersButton')}</Button>
        </Popover.Target>
        <Popover.Dropdown>{open && <FilterEditor catalogue={catalogue} onApply={add} onCancel={() => setOpen(false)} />}</Popover.Dropdown>
      </Popover>
      {conditions === null && filter && (
        <Chip text={t('views.advancedFilter')} onRemove={() => onChange(undefined)} removeLabel={t('views.removeFilter', { what: t('views.advancedFilter') })} />
      )}
      {(conditions ?? []).map((c, i) => {
        const text = catalogue.describe(c);
        return <Chip key={`${i}-${c.field}`} text={text} onRemove={() => remove(i)} removeLabel={t('views.removeFilter', { what: text })} />;
      })}
      {filter && <Button variant="subtle" size="compact-sm" onClick={() => onChange(undefined)}>{t('views.clearFilters')}</Button>}
    </Group>
  );
}

function Chip({ text, onRemove, removeLabel }: { text: string; onRemove(): void; removeLabel: string }) {
  return (
    <Paper withBorder radius="xl" px="sm" py={2} data-testid="filter-chip">
      <Group gap={4} wrap="nowrap">
        <Text size="sm">{text}</Text>
        <CloseButton size="sm" aria-label={removeLabel} onClick={onRemove} />
      </Group>
    </Paper>
  );
}
