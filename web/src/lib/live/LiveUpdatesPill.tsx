import { Button } from '@mantine/core';
import { useIdle } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyHeldQueueChanges } from './apply-live-event.ts';
import { heldQueueChanges, useHeldQueueChanges } from './live-store.ts';

/** After this long without a key, click, pointer move or scroll the held changes show by themselves. */
const IDLE_MS = 5_000;

/**
 * "3 cambios · Actualizar": the attention queue's live changes wait here, so the list never
 * reorders under the pointer or the keyboard focus, until the user clicks it or has been idle.
 */
export function LiveUpdatesPill() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const held = useHeldQueueChanges();
  // Someone who just opened the list is looking at it: idle only after the first quiet 5 s.
  const idle = useIdle(IDLE_MS, { initialState: false });
  const apply = useCallback(() => applyHeldQueueChanges(queryClient, () => heldQueueChanges.set(new Set())), [queryClient]);
  const count = held.has('*') ? Math.max(1, held.size - 1) : held.size;

  // What changed while the list was not on screen shows at once: nothing is under the pointer yet.
  useEffect(() => {
    if (heldQueueChanges.get().size > 0) apply();
  }, [apply]);
  useEffect(() => {
    if (idle && held.size > 0) apply();
  }, [idle, held, apply]);

  if (held.size === 0) return null;
  return (
    <Button size="compact-sm" radius="xl" variant="light" onClick={apply} data-testid="live-pill" aria-live="polite" style={{ alignSelf: 'center' }}>
      {t('live.pill', { count })}
    </Button>
  );
}
