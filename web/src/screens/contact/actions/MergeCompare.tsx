import { Radio, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../lib/api.ts';
import { MERGE_FIELDS, conflicts, valueOf, type MergeField, type Side } from './merge-plan.ts';

type Props = {
  contact: Contact;
  other: Contact;
  survivor: Side;
  choices: Partial<Record<MergeField, Side>>;
  onSurvivor(side: Side): void;
  onChoice(field: MergeField, side: Side): void;
};

/**
 * The two contacts side by side. First row: which record survives. Then, per field, a radio in
 * each column where both hold different values; elsewhere the value that will remain is shown
 * (a blank is filled from the other, as the API's merge does).
 */
export function MergeCompare({ contact, other, survivor, choices, onSurvivor, onChoice }: Props) {
  const { t } = useTranslation();
  const sides: [Side, Contact][] = [['current', contact], ['other', other]];
  const sideName = (s: Side) => t(s === 'current' ? 'contactActions.mergeDialog.current' : 'contactActions.mergeDialog.other');
  return (
    <Table withTableBorder withColumnBorders aria-label={t('contactActions.mergeDialog.compare')} data-testid="merge-compare">
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('contactActions.mergeDialog.field')}</Table.Th>
          {sides.map(([s]) => <Table.Th key={s} scope="col">{sideName(s)}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th scope="row">{t('contactActions.mergeDialog.keep')}</Table.Th>
          {sides.map(([s]) => (
            <Table.Td key={s}>
              <Radio name="merge-survivor" value={s} checked={survivor === s} onChange={() => onSurvivor(s)}
                label={t(s === 'current' ? 'contactActions.mergeDialog.keepThis' : 'contactActions.mergeDialog.keepOther')} />
            </Table.Td>
          ))}
        </Table.Tr>
        {MERGE_FIELDS.map((f) => {
          const label = t(`contactActions.field.${f}`);
          const choose = conflicts(contact, other, f);
          const picked = choices[f] ?? survivor;
          return (
            <Table.Tr key={f} data-field={f}>
              <Table.Th scope="row">{label}</Table.Th>
              {sides.map(([s, c]) => {
                const v = valueOf(c, f);
                return (
                  <Table.Td key={s}>
                    {choose ? (
                      <Radio name={`merge-${f}`} value={s} checked={picked === s} onChange={() => onChoice(f, s)}
                        label={v} aria-label={t('contactActions.mergeDialog.valueOf', { value: `${label}: ${v}`, side: sideName(s) })} />
                    ) : (
                      <Text size="sm" c={v ? undefined : 'dark.6'}>{v || t('contactActions.mergeDialog.empty')}</Text>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
