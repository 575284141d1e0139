import { Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../../lib/api.ts';
import { noContent } from '../noContent.ts';
import { ProblemAlert } from '../ProblemAlert.tsx';
import { ATTRIBUTES_KEY, AttributeForm, inUseCount } from './AttributeForm.tsx';

type Attribute = Schemas['ContactAttribute'];

/**
 * Atributos de contacto: the workspace's custom fields in display order; define, edit and
 * delete them. The contacts table shares the query key, so its filters and columns follow.
 */
export function AttributesSection() {
  const { t } = useTranslation();
  const attributes = useQuery({ queryKey: ATTRIBUTES_KEY, queryFn: async () => unwrap(await api.GET('/v1/contact-attributes')).data });
  const [form, setForm] = useState<{ editing?: Attribute } | undefined>();
  const [deleting, setDeleting] = useState<Attribute | undefined>();

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={2}>{t('settings.section.attributes')}</Title>
        <Button onClick={() => setForm({})}>{t('settings.attributes.new')}</Button>
      </Group>
      <Text size="sm" c="dark.6">{t('settings.attributes.hint')}</Text>
      <ProblemAlert error={attributes.error} />
      {attributes.isSuccess && attributes.data.length === 0 ? (
        <Text c="dark.6">{t('settings.attributes.none')}</Text>
      ) : (
        <Table striped withTableBorder aria-label={t('settings.attributes.list')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('settings.attributes.label')}</Table.Th>
              <Table.Th scope="col">{t('settings.attributes.key')}</Table.Th>
              <Table.Th scope="col">{t('settings.attributes.type')}</Table.Th>
              <Table.Th scope="col">{t('settings.attributes.options')}</Table.Th>
              <Table.Th scope="col"><span className="visually-hidden">{t('settings.actions')}</span></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(attributes.data ?? []).map((a) => (
              <Table.Tr key={a.id} data-testid="attribute-row">
                <Table.Td>
                  {a.label} {a.required && <Badge size="xs" color="gray.7" variant="filled">{t('settings.attributes.requiredBadge')}</Badge>}
                </Table.Td>
                <Table.Td><code>{a.key}</code></Table.Td>
                <Table.Td>{t(`settings.attributes.types.${a.type}`)}</Table.Td>
                <Table.Td>{a.options.map((o) => o.label).join(', ') || '—'}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => setForm({ editing: a })} aria-label={t('settings.attributes.editWhich', { label: a.label })}>{t('settings.attributes.edit')}</Button>
                    <Button size="xs" color="red" variant="light" onClick={() => setDeleting(a)} aria-label={t('settings.attributes.deleteWhich', { label: a.label })}>{t('settings.attributes.delete')}</Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {form && <AttributeForm editing={form.editing} onClose={() => setForm(undefined)} />}
      {deleting && <DeleteDialog attribute={deleting} onClose={() => setDeleting(undefined)} />}
    </Stack>
  );
}

/** Delete after a confirmation; if contacts hold values, the API says how many and the admin confirms clearing them. */
function DeleteDialog({ attribute, onClose }: { attribute: Attribute; onClose(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: async (mode?: 'clear') =>
      noContent(await api.DELETE('/v1/contact-attributes/{id}', { params: { path: { id: attribute.id }, query: mode ? { mode } : {} } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ATTRIBUTES_KEY });
      onClose();
    },
  });
  const inUse = inUseCount(remove.error);
  return (
    <Modal opened onClose={onClose} title={t('settings.attributes.deleteTitle', { label: attribute.label })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        {inUse === undefined ? (
          <>
            <Text size="sm">{t('settings.attributes.deleteText')}</Text>
            <ProblemAlert error={remove.error} />
          </>
        ) : (
          <Text size="sm" role="alert">{t('settings.attributes.inUseDelete', { count: inUse })}</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          {inUse === undefined ? (
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(undefined)}>{t('settings.attributes.delete')}</Button>
          ) : (
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate('clear')}>{t('settings.attributes.deleteAndClear')}</Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
