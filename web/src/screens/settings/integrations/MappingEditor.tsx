import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MAPPING_TARGETS } from './providers.ts';

export type MappingRow = { ref: string; target: string };

/** `map.<ref>` = target rows: which form field or question goes to which contact field. */
export function MappingEditor({ rows, onChange, errorOf }: { rows: MappingRow[]; onChange(rows: MappingRow[]): void; errorOf(ref: string): string | undefined }) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<MappingRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Stack gap="xs" role="group" aria-labelledby="mapping-title">
      <Text fw={600} size="sm" id="mapping-title">{t('settings.integrations.mapping')}</Text>
      <Text size="xs" c="dark.6">{t('settings.integrations.mappingHint')}</Text>
      {rows.map((r, i) => (
        <Group key={i} align="flex-start" wrap="nowrap">
          <TextInput label={t('settings.integrations.mappingRef', { n: i + 1 })} value={r.ref} onChange={(e) => set(i, { ref: e.currentTarget.value })} error={errorOf(r.ref)} style={{ flex: 1 }} />
          <Select
            label={t('settings.integrations.mappingTarget', { n: i + 1 })}
            data={MAPPING_TARGETS.map((m) => ({ value: m, label: t(`settings.integrations.target.${m.replace(':', '_')}`) }))}
            value={r.target}
            onChange={(v) => v && set(i, { target: v })}
            allowDeselect={false}
            style={{ flex: 1 }}
          />
          <ActionIcon mt={26} size="lg" variant="subtle" color="red" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={t('settings.integrations.mappingRemove', { n: i + 1 })}>
            <span aria-hidden="true">×</span>
          </ActionIcon>
        </Group>
      ))}
      <Group><Button size="xs" variant="default" onClick={() => onChange([...rows, { ref: '', target: 'email' }])}>{t('settings.integrations.mappingAdd')}</Button></Group>
    </Stack>
  );
}
