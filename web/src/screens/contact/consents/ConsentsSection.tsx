import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../lib/api.ts';
import { StatusChip } from '../../../lib/StatusChip.tsx';
import { ConsentDialog, type ConsentName } from './ConsentDialog.tsx';
import { ConsentHistory } from './ConsentHistory.tsx';

const ORDER: ConsentName[] = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];

/** "Consentimientos": each opt-in with its state and "Cambiar" (with proof), then their history. */
export function ConsentsSection({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const [changing, setChanging] = useState<ConsentName | undefined>();
  return (
    <Stack gap="xs" component="section" aria-labelledby="consents-title" data-testid="consents-section">
      <Title order={2} size="h4" id="consents-title">{t('contactActions.consents.title')}</Title>
      <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {ORDER.map((name) => {
          const on = contact.consents[name];
          const label = t(`contact.consent.${name}`);
          return (
            <Group key={name} component="li" justify="space-between" wrap="nowrap" data-consent={name}>
              <Text size="sm">{label}</Text>
              <Group gap={6} wrap="nowrap">
                <StatusChip tone={on ? 'green' : 'grey'}>{t(on ? 'contactActions.consents.on' : 'contactActions.consents.off')}</StatusChip>
                {!contact.deletedAt && (
                  <Button size="compact-xs" variant="default" onClick={() => setChanging(name)} aria-label={t('contactActions.consents.changeWhich', { consent: label })}>
                    {t('contactActions.consents.change')}
                  </Button>
                )}
              </Group>
            </Group>
          );
        })}
      </Stack>
      <ConsentHistory contactId={contact.id} />
      {changing && <ConsentDialog contact={contact} consent={changing} onClose={() => setChanging(undefined)} />}
    </Stack>
  );
}
