import { useDroppable } from '@dnd-kit/core';
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format.ts';
import { BoardCard } from './BoardCard.tsx';
import type { Card, Column } from './useBoard.ts';

/** One stage: its name, the server's count (not the loaded cards'), stale count, and its cards. */
export function BoardColumn({ column, columns, onMove }: { column: Column; columns: Column[]; onMove: (card: Card, toStageId: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { setNodeRef, isOver } = useDroppable({ id: column.stage.id });
  const headingId = `stage-${column.stage.id}`;
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-labelledby={headingId}
      data-testid="board-column"
      data-stage-id={column.stage.id}
      withBorder
      p="xs"
      bg={isOver ? 'indigo.0' : 'gray.0'}
      style={{ width: 280, minWidth: 280, minHeight: 240 }}
    >
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={2} size="h5" id={headingId}>{column.stage.name}</Title>
        <Group gap={4} wrap="nowrap">
          {column.staleCount > 0 && (
            <Badge color="red" variant="light" size="sm" data-testid="stale-count">{t('board.staleCount', { count: column.staleCount })}</Badge>
          )}
          <Badge color="dark" variant="light" size="sm" data-testid="column-count" aria-label={t('board.countLabel', { count: column.count })}>
            {f.number(column.count)}
          </Badge>
        </Group>
      </Group>
      <Stack gap="xs">
        {column.contacts.length === 0 && <Text size="sm" c="dark.5">{t('board.emptyColumn')}</Text>}
        {column.contacts.map((card) => (
          <BoardCard key={card.id} card={card} column={column} columns={columns} onMove={onMove} />
        ))}
        {column.count > column.contacts.length && (
          <Text size="xs" c="dark.5">{t('board.more', { count: column.count - column.contacts.length })}</Text>
        )}
      </Stack>
    </Paper>
  );
}
