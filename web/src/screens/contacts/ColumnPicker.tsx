import { Button, Checkbox, Popover, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Column } from './columns.tsx';

/** Which columns show (the `cols` URL parameter); the name column always does. */
export function ColumnPicker({ all, shown, onChange }: { all: Column[]; shown: string[]; onChange(cols: string[]): void }) {
  const { t } = useTranslation();
  return (
    <Popover position="bottom-end" shadow="md" trapFocus returnFocus>
      <Popover.Target>
        <Button variant="default" size="sm">{t('views.columns')}</Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Checkbox.Group label={t('views.columnsLabel')} value={shown} onChange={(next) => onChange(all.map((c) => c.id).filter((id) => next.includes(id)))}>
          <Stack gap={6} mt="xs" mah={360} style={{ overflowY: 'auto' }}>
            {all.map((c) => <Checkbox key={c.id} value={c.id} label={c.header} size="sm" />)}
          </Stack>
        </Checkbox.Group>
      </Popover.Dropdown>
    </Popover>
  );
}
