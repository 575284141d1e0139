import { NativeSelect, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ColumnTarget, Import } from './useImport.ts';

export const IMPORT_FIELDS = [
  'firstName', 'lastName', 'fullName', 'company', 'email', 'phone', 'whatsappUserId', 'additionalEmails',
  'additionalPhones', 'externalRefId', 'ownerEmail', 'playbook', 'stage', 'sourceDetail', 'id',
] as const;
const CONSENTS = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'] as const;

const encode = (t: ColumnTarget): string =>
  t.kind === 'field' ? `field:${t.field}` : t.kind === 'consent' ? `consent:${t.consent}` : t.kind === 'attribute' ? `attribute:${t.key}` : 'ignore';

function decode(value: string): ColumnTarget {
  const [kind, rest = ''] = value.split(/:(.*)/s);
  if (kind === 'field') return { kind: 'field', field: rest as (typeof IMPORT_FIELDS)[number] };
  if (kind === 'consent') return { kind: 'consent', consent: rest as (typeof CONSENTS)[number] };
  if (kind === 'attribute') return { kind: 'attribute', key: rest };
  return { kind: 'ignore' };
}

/** One row per column of the file: its header, its first values, and where it goes. */
export function MappingTable({ imp, disabled, onChange }: { imp: Import; disabled: boolean; onChange: (mapping: ColumnTarget[]) => void }) {
  const { t } = useTranslation();
  const attributes = imp.mapping.flatMap((m) => (m.kind === 'attribute' ? [m.key] : []));
  const groups = [
    { group: t('imports.groupFields'), items: IMPORT_FIELDS.map((f) => ({ value: `field:${f}`, label: t(`imports.field.${f}`) })) },
    { group: t('imports.groupConsents'), items: CONSENTS.map((c) => ({ value: `consent:${c}`, label: t(`contact.consent.${c}`) })) },
    ...(attributes.length ? [{ group: t('imports.groupAttributes'), items: attributes.map((k) => ({ value: `attribute:${k}`, label: k })) }] : []),
  ];
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped data-testid="mapping">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('imports.column')}</Table.Th>
            <Table.Th scope="col">{t('imports.previewValues')}</Table.Th>
            <Table.Th scope="col">{t('imports.target')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {imp.headers.map((header, i) => {
            const samples = (imp.preview ?? []).slice(0, 3).map((r) => r.values[i] ?? '').filter((v) => v !== '');
            const target = imp.mapping[i] ?? { kind: 'ignore' as const };
            return (
              <Table.Tr key={`${i}-${header}`}>
                <Table.Th scope="row" fw={600}>{header || t('imports.unnamed', { n: i + 1 })}</Table.Th>
                <Table.Td>
                  <Text size="sm" c="dark.6">{samples.length ? samples.join(' · ') : '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <NativeSelect
                    aria-label={t('imports.targetOf', { column: header || i + 1 })}
                    value={encode(target)}
                    disabled={disabled}
                    onChange={(e) => {
                      const next = imp.headers.map((_, j) => imp.mapping[j] ?? ({ kind: 'ignore' } as ColumnTarget));
                      next[i] = decode(e.currentTarget.value);
                      onChange(next);
                    }}
                    data={[{ value: 'ignore', label: t('imports.ignore') }, ...groups]}
                  />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
