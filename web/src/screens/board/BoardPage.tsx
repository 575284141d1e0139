import {
  DndContext, DragOverlay, KeyboardSensor, PointerSensor, useSensor, useSensors,
  type Announcements, type DragEndEvent, type DragStartEvent, type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { Alert, Button, Center, Group, Loader, NativeSelect, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { displayName } from '../../lib/format.ts';
import { BoardColumn } from './BoardColumn.tsx';
import { useBoard, useMoveCard, usePlaybooks, type Card, type Column, type MoveInput } from './useBoard.ts';

/** `/playbooks`: the first playbook's board, or the empty state. */
export function PlaybookIndex() {
  const { t } = useTranslation();
  const playbooks = usePlaybooks();
  if (playbooks.isPending) return <Center h="40vh"><Loader role="status" aria-label={t('common.loading')} /></Center>;
  if (playbooks.isError) return <Alert color="red" title={t('common.loadError')} role="alert">{playbooks.error.message}</Alert>;
  const first = playbooks.data[0];
  if (!first) {
    return (
      <Stack>
        <Title order={1} size="h2">{t('board.title')}</Title>
        <Text>{t('board.noPlaybooks')}</Text>
      </Stack>
    );
  }
  return <Navigate to={`/playbooks/${first.id}/board`} replace />;
}

/** `/playbooks/:id/board`: a column per stage; drag a card (or use "Mover a…") to move the contact. */
export default function BoardPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const playbooks = usePlaybooks();
  const board = useBoard(id);
  const [dragging, setDragging] = useState<{ card: Card; column: Column } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [said, setSaid] = useState('');

  const columns = board.data?.columns ?? [];
  const nameOf = (card: Card) => displayName(card, t('inbox.nameless'));
  const stageName = (stageId: string | number | undefined) => columns.find((c) => c.stage.id === stageId)?.stage.name ?? '';
  const columnOf = (contactId: string | number) => columns.find((c) => c.contacts.some((x) => x.id === contactId));

  const move = useMoveCard(id, ({ card }: MoveInput, err: unknown) => {
    const code = err instanceof ApiError ? err.problem.code : 'unknown_error';
    const reason = code === 'precondition_failed' || code === 'version_conflict' ? t('board.errorChanged') : t('board.errorGeneric', { code });
    setFailure(t('board.moveFailed', { name: nameOf(card), reason }));
  });

  const moveCard = (card: Card, toStageId: string) => {
    const from = columnOf(card.id);
    if (!from || from.stage.id === toStageId) return;
    setFailure(null);
    setSaid(t('board.moved', { name: nameOf(card), from: from.stage.name, to: stageName(toStageId) }));
    move.mutate({ card, toStageId });
  };

  const keyColumn = useRef<string | null>(null);
  /** ←/→ jump a picked-up card to the previous/next column (not 25 px at a time). */
  const columnKeys: KeyboardCoordinateGetter = (event, { active, currentCoordinates, context }) => {
    if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') return undefined;
    event.preventDefault();
    const order = columns.map((c) => c.stage.id);
    // The column chosen so far, kept here: `context.over` lags a render behind quick key presses.
    const here = order.indexOf(keyColumn.current ?? columnOf(active)?.stage.id ?? '');
    const next = order[here + (event.code === 'ArrowRight' ? 1 : -1)];
    const rect = next ? context.droppableRects.get(next) : undefined;
    if (!next || !rect) return currentCoordinates;
    keyColumn.current = next;
    return { x: rect.left + 9, y: rect.top + 48 };
  };
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeys }),
  );

  const cardOf = (contactId: string | number) => columnOf(contactId)?.contacts.find((x) => x.id === contactId);
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.sr.picked', { name: cardOf(active.id) ? nameOf(cardOf(active.id)!) : '', stage: columnOf(active.id)?.stage.name ?? '' }),
    onDragOver: ({ over }) => (over ? t('board.sr.over', { stage: stageName(over.id) }) : t('board.sr.nowhere')),
    onDragEnd: ({ over }) => (over ? t('board.sr.dropped', { stage: stageName(over.id) }) : t('board.sr.cancelled')),
    onDragCancel: () => t('board.sr.cancelled'),
  };

  const onDragStart = ({ active }: DragStartEvent) => {
    keyColumn.current = null;
    const column = columnOf(active.id);
    const card = column?.contacts.find((x) => x.id === active.id);
    if (column && card) setDragging({ card, column });
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const card = cardOf(active.id);
    if (card && over) moveCard(card, String(over.id));
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">{board.data?.playbook.name ?? t('board.title')}</Title>
        {playbooks.data && playbooks.data.length > 1 && (
          <NativeSelect
            label={t('board.picker')}
            value={id}
            onChange={(e) => navigate(`/playbooks/${e.currentTarget.value}/board`)}
            data={playbooks.data.map((p) => ({ value: p.id, label: p.name }))}
          />
        )}
      </Group>
      <div aria-live="polite" className="visually-hidden" data-testid="board-live">{said}</div>
      {failure && (
        <Alert color="red" role="alert" withCloseButton closeButtonLabel={t('common.close')} onClose={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      {board.isPending && <Center h="40vh"><Loader role="status" aria-label={t('common.loading')} /></Center>}
      {board.isError && (
        <Alert color="red" title={t('common.loadError')} role="alert">
          <Group><Text size="sm">{board.error.message}</Text><Button size="xs" variant="light" onClick={() => void board.refetch()}>{t('common.retry')}</Button></Group>
        </Alert>
      )}
      {board.data && (
        <DndContext
          sensors={sensors}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          onDragCancel={() => setDragging(null)}
          accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.sr.instructions') } }}
        >
          <ScrollArea type="auto" offsetScrollbars>
            <Group align="flex-start" wrap="nowrap" gap="sm" data-testid="board">
              {columns.map((column) => (
                <BoardColumn key={column.stage.id} column={column} columns={columns} onMove={moveCard} />
              ))}
            </Group>
          </ScrollArea>
          <DragOverlay>
            {dragging && (
              <Paper withBorder shadow="md" p="xs" style={{ width: 262 }}>
                <Text fw={600} size="sm">{nameOf(dragging.card)}</Text>
                {dragging.card.company && <Text size="xs" c="dark.5">{dragging.card.company}</Text>}
              </Paper>
            )}
          </DragOverlay>
        </DndContext>
      )}
    </Stack>
  );
}
