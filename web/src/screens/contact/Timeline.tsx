import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { formatMoney } from './composer/money.ts';
import { timelineKey } from './useContact.ts';

type Item = Schemas['TimelineItem'];

function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: timelineKey(id),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/v1/contacts/{id}/timeline', { params: { path: { id }, query: { limit: 30, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
}

/** A calendar day ("2026-12-15") in the locale's words, with no zone to shift it. */
const dayText = (day: string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/** What one entry says, in words (the data differs per type). */
function Body({ item }: { item: Item }) {
  const { t } = useTranslation();
  const f = useFormat();
  const d = item.data as Record<string, unknown>;
  switch (item.type) {
    case 'whatsapp_message':
      return <Text style={{ whiteSpace: 'pre-wrap' }}>{(d.body as string | null) ?? t('timeline.template', { name: d.templateName })}</Text>;
    case 'comment':
      return <Text style={{ whiteSpace: 'pre-wrap' }}>{d.body as string}</Text>;
    case 'email':
      return (
        <>
          <Text fw={500}>{d.subject as string}</Text>
          {Array.isArray(d.to) && d.to.length > 0 && d.direction === 'outbound' && <Text size="xs" c="dark.6">{t('composerMore.timeline.to', { to: d.to.join(', ') })}</Text>}
          {typeof d.body === 'string' && d.body && <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>{d.body}</Text>}
        </>
      );
    case 'call':
      return <Text>{t(`timeline.callOutcome.${d.outcome as string}`, { defaultValue: String(d.outcome) })}{d.durationSeconds ? ` · ${Math.round(Number(d.durationSeconds) / 60)} min` : ''}</Text>;
    case 'task':
      return (
        <>
          <Text fw={500}>{d.title as string}</Text>
          <Text size="sm" c="dark.6">
            {d.dueAt ? t('composerMore.timeline.due', { when: f.dateTime(d.dueAt as string) }) : t('composerMore.timeline.noDue')} · {t(`composerMore.timeline.taskStatus.${d.status as string}`, { defaultValue: String(d.status) })}
          </Text>
        </>
      );
    case 'meeting':
      return (
        <>
          <Text fw={500}>{d.title as string}</Text>
          <Text size="sm" c="dark.6">{t('composerMore.timeline.meetingWhen', { start: f.dateTime(d.startsAt as string), end: f.dateTime(d.endsAt as string) })}</Text>
          {typeof d.location === 'string' && <Text size="sm" c="dark.6">{d.location}</Text>}
          {typeof d.link === 'string' && <Anchor size="sm" href={d.link} target="_blank" rel="noopener noreferrer">{d.link}</Anchor>}
        </>
      );
    case 'deal':
      return (
        <>
          <Text fw={500}>{d.title as string}</Text>
          <Text size="sm" c="dark.6">
            {[
              typeof d.amountMinor === 'number' ? formatMoney(d.amountMinor, (d.currency as string | null) ?? null, f.locale) : null,
              t(`composerMore.deal.statuses.${d.status as string}`, { defaultValue: String(d.status) }),
              typeof d.expectedCloseDate === 'string' ? `${t('composerMore.deal.expectedCloseDate')}: ${dayText(d.expectedCloseDate, f.locale)}` : null,
            ].filter(Boolean).join(' · ')}
          </Text>
        </>
      );
    case 'document':
      return (
        <Text size="sm">
          <Anchor href={`/v1/documents/${item.id}/content`} download={d.name as string} aria-label={t('composerMore.timeline.download', { name: d.name })}>{d.name as string}</Anchor>
          {typeof d.sizeBytes === 'number' && <Text span size="xs" c="dark.6"> · {sizeText(d.sizeBytes, f.locale)}</Text>}
        </Text>
      );
    default:
      return <Text size="sm" c="dark.6">{String(d.title ?? d.name ?? d.fileName ?? item.type)}</Text>;
  }
}

/** "12 KB", "3,4 MB": a file's size in the locale's units. */
function sizeText(bytes: number, locale: string): string {
  const [n, unit] = bytes >= 1_000_000 ? [bytes / 1_000_000, 'megabyte'] : bytes >= 1000 ? [bytes / 1000, 'kilobyte'] : [bytes, 'byte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(n);
}

function Entry({ item }: { item: Item }) {
  const { t } = useTranslation();
  const f = useFormat();
  const d = item.data as Record<string, unknown>;
  const family = item.type.startsWith('contact.') ? 'contact' : item.type;
  const inbound = d.direction === 'inbound';
  // Delivery status: messages only (a task's or deal's status is in its body, in its own words).
  const status = (family === 'email' || family === 'whatsapp_message') && typeof d.status === 'string' ? d.status : undefined;
  return (
    <Paper component="li" withBorder p="xs" radius="md" bg={family === 'comment' ? 'yellow.0' : inbound ? 'gray.0' : 'white'} style={{ listStyle: 'none', alignSelf: inbound || family === 'contact' ? 'flex-start' : 'flex-end', maxWidth: '85%' }}>
      <Group gap={6} mb={4}>
        <Badge size="xs" variant="light" color="dark">{t(`timeline.type.${family}`, { defaultValue: item.type })}</Badge>
        {d.direction !== undefined && <Text size="xs" c="dark.6">{inbound ? t('timeline.inbound') : t('timeline.outbound')}</Text>}
        {status && status !== 'received' && <Text size="xs" c={status === 'failed' ? '#a61b1b' : 'dark.6'}>{t(`timeline.status.${status}`, { defaultValue: status })}</Text>}
        <Text size="xs" c="dark.6" component="time" dateTime={item.occurredAt}>{f.dateTime(item.occurredAt)}</Text>
      </Group>
      {family === 'contact' ? <Text size="sm" c="dark.6">{t(`timeline.event.${item.type.slice('contact.'.length)}`, { defaultValue: item.type })}</Text> : <Body item={item} />}
    </Paper>
  );
}

/** The feed, oldest at the top (WhatsApp's reading order); older pages load above. */
export function Timeline({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const feed = useTimeline(contactId);
  const items = (feed.data?.pages.flatMap((p) => p.data) ?? []).slice().reverse();
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">{t('timeline.title')}</Title>
      {feed.hasNextPage && (
        <Button variant="subtle" size="xs" onClick={() => void feed.fetchNextPage()} loading={feed.isFetchingNextPage}>{t('timeline.more')}</Button>
      )}
      {feed.isError && <Alert color="red">{t('common.loadError')}</Alert>}
      {feed.data && items.length === 0 && <Text c="dark.6">{t('timeline.empty')}</Text>}
      <Stack component="ol" gap="xs" p={0} m={0} aria-label={t('timeline.title')} data-testid="timeline">
        {items.map((i) => <Entry key={`${i.type}-${i.id}`} item={i} />)}
      </Stack>
    </Stack>
  );
}
