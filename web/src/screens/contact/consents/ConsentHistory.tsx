import { Alert, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../lib/format.ts';
import { useUsers } from '../../contacts/workspace-data.ts';
import { useConsentHistory, type ConsentRecord } from './useConsentHistory.ts';

/** The proof as recorded: our own `text`, or what a form or channel sent (`formId: …, messageId: …`). */
function proofText(proof: ConsentRecord['proof']): string | undefined {
  if (!proof) return undefined;
  if (typeof proof.text === 'string') return proof.text;
  const parts = Object.entries(proof).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Who, when, what and the proof of every consent change, newest first, in the workspace's dates. */
export function ConsentHistory({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const history = useConsentHistory(contactId);
  const users = useUsers();
  const who = (r: ConsentRecord): string => {
    if (r.actorType === 'user') return users.data?.find((u) => u.id === r.actorId)?.name ?? t('contactActions.consents.actor.unknownUser');
    return t(`contactActions.consents.actor.${r.actorType}`, { defaultValue: r.actorType });
  };
  const source = (s: string) => (i18n.exists(`contactActions.consents.sources.${s}`) ? t(`contactActions.consents.sources.${s}`) : s);

  return (
    <Stack gap={4}>
      <Title order={3} size="h5" id="consent-history-title">{t('contactActions.consents.history')}</Title>
      {history.isError && <Alert color="red" role="alert">{t('common.loadError')}</Alert>}
      {history.data?.length === 0 && <Text size="sm" c="dark.6">{t('contactActions.consents.historyEmpty')}</Text>}
      {history.data && history.data.length > 0 && (
        <List listStyleType="none" spacing={6} aria-labelledby="consent-history-title" data-testid="consent-history">
          {history.data.map((r) => {
            const proof = proofText(r.proof);
            return (
              <List.Item key={r.id}>
                <Text size="sm" fw={500}>
                  {t('contactActions.consents.line', { consent: t(`contact.consent.${r.consent}`, { defaultValue: r.consent }), value: t(r.value ? 'contactActions.consents.on' : 'contactActions.consents.off') })}
                </Text>
                <Text size="xs" c="dark.6">
                  <time dateTime={r.changedAt}>{f.dateTime(r.changedAt)}</time> · {t('contactActions.consents.by', { who: who(r) })} · {t('contactActions.consents.via', { source: source(r.source) })}
                </Text>
                {proof && <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>{t('contactActions.consents.proofLine', { proof })}</Text>}
              </List.Item>
            );
          })}
        </List>
      )}
    </Stack>
  );
}
