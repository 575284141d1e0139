import { ActionIcon, Group } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { moved } from './usePlaybookSettings.ts';

const buttonId = (prefix: string, id: string, dir: 'up' | 'down') => `${prefix}-move-${dir}-${id}`;

/**
 * Keyboard-first reordering: "Subir"/"Bajar" buttons per row (ui.md: every drag has a keyboard
 * way). After a move the focus follows the moved row's same button (or its other one at the
 * ends), and a polite live region says where the row now is.
 */
export function useReorder<T extends { id: string; name: string }>(prefix: string, items: T[], save: (ids: string[]) => Promise<unknown>) {
  const { t } = useTranslation();
  const [said, setSaid] = useState('');
  // Where the focus goes once the list shows the new order (moving a focused row's DOM node blurs it).
  const [focus, setFocus] = useState<{ id: string; dir: 'up' | 'down'; order: string } | undefined>();

  useEffect(() => {
    if (!focus || items.map((i) => i.id).join() !== focus.order) return;
    setFocus(undefined);
    const first = document.getElementById(buttonId(prefix, focus.id, focus.dir)) as HTMLButtonElement | null;
    const other = document.getElementById(buttonId(prefix, focus.id, focus.dir === 'up' ? 'down' : 'up')) as HTMLButtonElement | null;
    (first && !first.disabled ? first : other)?.focus();
  }, [items, focus, prefix]);

  async function move(index: number, dir: 'up' | 'down') {
    const item = items[index]!;
    const next = moved(items, index, dir === 'up' ? -1 : 1);
    await save(next.map((i) => i.id));
    setFocus({ id: item.id, dir, order: next.map((i) => i.id).join() });
    setSaid(t('playbookSettings.movedTo', { name: item.name, position: next.indexOf(item) + 1, total: next.length }));
  }

  const live = <div aria-live="polite" role="status" className="visually-hidden" data-testid={`${prefix}-moved`}>{said}</div>;
  return { move, live };
}

export function MoveButtons({ prefix, id, name, index, count, busy, onMove }: {
  prefix: string; id: string; name: string; index: number; count: number; busy: boolean; onMove(dir: 'up' | 'down'): void;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <ActionIcon id={buttonId(prefix, id, 'up')} variant="default" size="md" disabled={index === 0} aria-disabled={busy || undefined}
        onClick={() => !busy && onMove('up')} aria-label={t('playbookSettings.moveUpWhich', { name })} title={t('playbookSettings.moveUp')}>
        <span aria-hidden="true">↑</span>
      </ActionIcon>
      <ActionIcon id={buttonId(prefix, id, 'down')} variant="default" size="md" disabled={index === count - 1} aria-disabled={busy || undefined}
        onClick={() => !busy && onMove('down')} aria-label={t('playbookSettings.moveDownWhich', { name })} title={t('playbookSettings.moveDown')}>
        <span aria-hidden="true">↓</span>
      </ActionIcon>
    </Group>
  );
}
