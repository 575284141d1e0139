import { Chip, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AttentionReason } from './useAttentionQueue.ts';

export const REASONS: readonly AttentionReason[] = ['whatsapp', 'call', 'email'];
const ANY = 'any';

/** The `reason` search parameter, when it names a channel the queue can filter by. */
export function reasonOf(param: string | null): AttentionReason | undefined {
  return REASONS.find((r) => r === param);
}

/**
 * One chip per channel a contact can be waiting on, plus "all": a radio group (one name, so the
 * arrow keys move and select, Tab leaves), the choice kept in the URL by the page.
 */
export function ReasonChips({ value, onChange }: { value: AttentionReason | undefined; onChange: (reason: AttentionReason | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <Chip.Group value={value ?? ANY} onChange={(v) => onChange(reasonOf(String(v)))}>
      <Group gap="xs" role="radiogroup" aria-label={t('inboxFilters.label')} data-testid="reason-chips">
        <Chip value={ANY} name="inbox-reason" variant="outline" color="indigo">{t('inboxFilters.any')}</Chip>
        {REASONS.map((r) => (
          <Chip key={r} value={r} name="inbox-reason" variant="outline" color="indigo">{t(`reason.${r}`)}</Chip>
        ))}
      </Group>
    </Chip.Group>
  );
}
