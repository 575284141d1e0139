import { Paper, SegmentedControl, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../lib/api.ts';
import { CallComposer } from './CallComposer.tsx';
import { NoteComposer } from './NoteComposer.tsx';
import { WhatsappComposer } from './WhatsappComposer.tsx';

type Channel = 'whatsapp' | 'note' | 'call';

/** One composer: WhatsApp (default when it is why they wait), internal note, log a call. */
export function Composer({ contact, onSent }: { contact: Contact; onSent(): void }) {
  const { t } = useTranslation();
  const oldest = contact.pendingAttention.reasons[0]?.reason;
  const [channel, setChannel] = useState<Channel>(oldest === 'call' ? 'call' : 'whatsapp');
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label={t('composer.label')}>
      <Stack gap="sm">
        <SegmentedControl
          aria-label={t('composer.channel')}
          value={channel}
          onChange={(v) => setChannel(v as Channel)}
          data={[{ value: 'whatsapp', label: t('composer.whatsapp') }, { value: 'note', label: t('composer.note') }, { value: 'call', label: t('composer.call') }]}
        />
        {channel === 'whatsapp' && <WhatsappComposer contact={contact} onSent={onSent} />}
        {channel === 'note' && <NoteComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'call' && <CallComposer contactId={contact.id} onSent={onSent} />}
      </Stack>
    </Paper>
  );
}
