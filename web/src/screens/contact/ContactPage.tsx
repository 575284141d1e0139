import { Alert, Anchor, Button, Grid, Skeleton, Stack, Tabs } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { ContactActionsMenu } from './actions/ContactActionsMenu.tsx';
import { TrashBanner } from './actions/TrashBanner.tsx';
import { Composer } from './composer/Composer.tsx';
import { ConsentsSection } from './consents/ConsentsSection.tsx';
import { ContactFields } from './ContactFields.tsx';
import { ContactHeader } from './ContactHeader.tsx';
import { Timeline } from './Timeline.tsx';
import { useContact, useRefreshContact } from './useContact.ts';

/** Header with chips; "Datos" beside the conversation (tabs on a phone); the composer under the feed. */
export default function ContactPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const from = params.get('from');
  const phone = useMediaQuery('(max-width: 767px)');
  const contact = useContact(id);
  const refresh = useRefreshContact(id);

  if (contact.isPending) return <Stack><Skeleton h={64} /><Skeleton h={300} /></Stack>;
  const c = contact.data;
  // Only when there is nothing to show: a failed background refresh keeps the page (and any open dialog) as it was.
  if (!c) {
    const status = contact.error instanceof ApiError ? contact.error.problem.status : 0;
    return (
      <Alert color="red" title={status === 404 ? t('common.notFound') : status === 403 ? t('common.forbidden') : t('common.loadError')}>
        {status >= 500 || status === 0 ? <Button size="xs" variant="light" onClick={() => void contact.refetch()}>{t('common.retry')}</Button> : null}
      </Alert>
    );
  }
  const conversation = (
    <Stack gap="sm">
      <Timeline contactId={c.id} />
      <Composer key={c.id} contact={c} onSent={refresh} />
    </Stack>
  );
  const fields = <Stack gap="lg"><ContactFields contact={c} /><ConsentsSection contact={c} /></Stack>;

  return (
    <Stack gap="md">
      {from?.startsWith('/') && <Anchor component={Link} to={from} size="sm">← {t('common.back')}</Anchor>}
      <TrashBanner contact={c} />
      <ContactHeader contact={c} actions={<ContactActionsMenu contact={c} />} />
      {phone ? (
        <Tabs defaultValue="conversation">
          <Tabs.List grow>
            <Tabs.Tab value="conversation">{t('contact.timeline')}</Tabs.Tab>
            <Tabs.Tab value="data">{t('contact.data')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="conversation" pt="sm">{conversation}</Tabs.Panel>
          <Tabs.Panel value="data" pt="sm">{fields}</Tabs.Panel>
        </Tabs>
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 4 }} component="section" aria-label={t('contact.data')}>{fields}</Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }} component="section" aria-label={t('contact.timeline')}>{conversation}</Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
