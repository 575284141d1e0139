import { useDraggable } from '@dnd-kit/core';
import { ActionIcon, Badge, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { displayName, useFormat } from '../../lib/format.ts';
import type { Card, Column } from './useBoard.ts';

type Props = {
  card: Card;
  column: Column;
  columns: Column[];
  onMove: (card: Card, toStageId: string) => void;
};

/** A contact on the board: name (a real link), company, time in stage; drag it, or "Mover a…". */
export function BoardCard({ card, column, columns, onMove }: Props) {
  const { t } = useTranslation();
  const f = useFormat();
  const name = displayName(card, t('inbox.nameless'));
  const { setNodeRef, listeners, attributes, isDragging } = useDraggable({ id: card.id });
  const stale = column.stage.staleAfterDays !== null && (card.stage?.secondsInStage ?? 0) > column.stage.staleAfterDays * 86_400;
  // dnd-kit types its listeners loosely (`Function`); they are React event handlers.
  const onPointerDown = listeners?.onPointerDown as React.PointerEventHandler | undefined;
  const onKeyDown = listeners?.onKeyDown as React.KeyboardEventHandler | undefined;
  const others = columns.filter((c) => c.stage.id !== column.stage.id);

  return (
    <Paper
      ref={setNodeRef}
      withBorder
      shadow="xs"
      p="xs"
      data-testid="board-card"
      data-contact-id={card.id}
      style={{ opacity: isDragging ? 0.4 : 1, cursor: 'grab', touchAction: 'none', borderLeft: stale ? '4px solid var(--mantine-color-red-7)' : undefined }}
      // The whole card answers the pointer; the keyboard uses the handle or the menu below.
      onPointerDown={onPointerDown}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap={4}>
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text component={Link} to={`/contacts/${card.id}`} fw={600} size="sm" truncate c="dark.8" draggable={false}>
            {name}
          </Text>
          {card.company && <Text size="xs" c="dark.5" truncate>{card.company}</Text>}
          <Group gap={6}>
            <Text size="xs" c="dark.6">{t('board.inStage', { time: f.duration(card.stage?.secondsInStage ?? 0) })}</Text>
            {stale && <Badge color="red" variant="light" size="xs">{t('board.stale')}</Badge>}
            {card.pendingAttention.pending && <Badge color="orange" variant="light" size="xs">{t('contacts.pending')}</Badge>}
          </Group>
        </Stack>
          <Group gap={2} wrap="nowrap">
            <ActionIcon
              variant="subtle"
              color="dark"
              size="sm"
              aria-label={t('board.dragHandle', { name })}
              {...attributes}
              onKeyDown={onKeyDown}
            >
              <span aria-hidden="true">⠿</span>
            </ActionIcon>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="dark" size="sm" aria-label={t('board.moveTo', { name })}>
                  <span aria-hidden="true">⋯</span>
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{t('board.moveToLabel')}</Menu.Label>
                {others.map((c) => (
                  <Menu.Item key={c.stage.id} onClick={() => onMove(card, c.stage.id)}>{c.stage.name}</Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
      </Group>
    </Paper>
  );
}
