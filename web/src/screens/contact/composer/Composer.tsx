import { Paper, SegmentedControl, Select, Stack } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../lib/api.ts';
import { CallComposer } from './CallComposer.tsx';
import { DealComposer } from './DealComposer.tsx';
import { DocumentComposer } from './DocumentComposer.tsx';
import { EmailComposer } from './EmailComposer.tsx';
import { MeetingComposer } from './MeetingComposer.tsx';
import { NoteComposer } from './NoteComposer.tsx';
import { TaskComposer } from './TaskComposer.tsx';
import { WhatsappComposer } from './WhatsappComposer.tsx';

const CHANNELS = ['whatsapp', 'email', 'call', 'note', 'task', 'meeting', 'deal', 'document'] as const;
type Channel = (typeof CHANNELS)[number];

/**
 * Below this width the eight segments do not fit in one row (the last ones would be cut off at
 * the edge): the picker becomes a Select. Measured: the Spanish labels need about 770 px.
 */
const SEGMENTS_MIN_WIDTH = 800;

/**
 * One composer for everything done with a contact: WhatsApp (default when it is why they wait),
 * email, log a call, internal note, task, meeting, deal and document.
 */
export function Composer({ contact, onSent }: { contact: Contact; onSent(): void }) {
  const { t } = useTranslation();
  const { ref, width } = useElementSize();
  const oldest = contact.pendingAttention.reasons[0]?.reason;
  const [channel, setChannel] = useState<Channel>(oldest === 'call' ? 'call' : oldest === 'email' ? 'email' : 'whatsapp');
  const label = (c: Channel) =>
    c === 'whatsapp' || c === 'note' || c === 'call' ? t(`composer.${c}`) : t(`composerMore.channel.${c}`);
  const data = CHANNELS.map((c) => ({ value: c, label: label(c) }));
  const pick = (v: string | null) => v && setChannel(v as Channel);
  return (
    // A darker error red: Mantine's own is under 4.5:1 on white for the small error texts.
    <Paper withBorder p="sm" radius="md" component="section" aria-label={t('composer.label')} style={{ '--mantine-color-error': '#a61b1b' } as CSSProperties}>
      <Stack gap="sm" ref={ref}>
        {/* Nothing until measured: the picker would flash from one kind to the other. */}
        {width === 0 ? null : width >= SEGMENTS_MIN_WIDTH ? (
          <SegmentedControl aria-label={t('composer.channel')} value={channel} onChange={pick} data={data} />
        ) : (
          <Select label={t('composer.channel')} value={channel} onChange={pick} data={data} allowDeselect={false} data-testid="channel-select" />
        )}
        {channel === 'whatsapp' && <WhatsappComposer contact={contact} onSent={onSent} />}
        {channel === 'email' && <EmailComposer contact={contact} onSent={onSent} />}
        {channel === 'note' && <NoteComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'call' && <CallComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'task' && <TaskComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'meeting' && <MeetingComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'deal' && <DealComposer contactId={contact.id} onSent={onSent} />}
        {channel === 'document' && <DocumentComposer contactId={contact.id} onSent={onSent} />}
      </Stack>
    </Paper>
  );
}
