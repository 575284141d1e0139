import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../lib/api.ts';

export type Board = Schemas['PlaybookBoard'];
export type Column = Board['columns'][number];
export type Card = Column['contacts'][number];

export const CARDS_PER_COLUMN = 50;

export function usePlaybooks() {
  return useQuery({ queryKey: ['playbooks'], queryFn: async () => unwrap(await api.GET('/v1/playbooks')).data });
}

export const boardKey = (playbookId: string) => ['board', playbookId] as const;

export function useBoard(playbookId: string) {
  return useQuery({
    queryKey: boardKey(playbookId),
    queryFn: async () => unwrap(await api.GET('/v1/playbooks/{id}/board', { params: { path: { id: playbookId }, query: { limit: CARDS_PER_COLUMN } } })),
  });
}

/** Whether the card is past its stage's "Avisar tras N días" (no setting: never stale). */
export const isStale = (card: Card, stage: Column['stage']): boolean =>
  stage.staleAfterDays !== null && (card.stage?.secondsInStage ?? 0) > stage.staleAfterDays * 86_400;

/** The board with the card moved to another column: counts follow, the card starts its time anew. */
export function moveOnBoard(board: Board, contactId: string, toStageId: string): Board {
  const from = board.columns.find((c) => c.contacts.some((x) => x.id === contactId));
  const to = board.columns.find((c) => c.stage.id === toStageId);
  if (!from || !to || from === to) return board;
  const card = from.contacts.find((x) => x.id === contactId)!;
  const wasStale = isStale(card, from.stage);
  const moved: Card = {
    ...card,
    stage: { playbookId: board.playbook.id, id: to.stage.id, name: to.stage.name, enteredAt: new Date().toISOString(), secondsInStage: 0 },
  };
  return {
    ...board,
    columns: board.columns.map((c) => {
      if (c === from) return { ...c, count: Math.max(0, c.count - 1), staleCount: Math.max(0, c.staleCount - (wasStale ? 1 : 0)), contacts: c.contacts.filter((x) => x.id !== contactId) };
      if (c === to) return { ...c, count: c.count + 1, contacts: [...c.contacts, moved] };
      return c;
    }),
  };
}

export type MoveInput = { card: Card; toStageId: string };

/** Moves a contact to a stage: optimistic, with `If-Match`; on failure the board goes back as it was. */
export function useMoveCard(playbookId: string, onFailure: (input: MoveInput, err: unknown) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ card, toStageId }: MoveInput) =>
      unwrap(
        await api.PUT('/v1/contacts/{id}/stage', {
          params: { path: { id: card.id }, header: { 'If-Match': `"${card.version}"` } },
          body: { playbookId, stageId: toStageId },
        }),
      ),
    onMutate: async ({ card, toStageId }) => {
      await qc.cancelQueries({ queryKey: boardKey(playbookId) });
      const before = qc.getQueryData<Board>(boardKey(playbookId));
      if (before) qc.setQueryData<Board>(boardKey(playbookId), moveOnBoard(before, card.id, toStageId));
      return { before };
    },
    onError: (err, input, ctx) => {
      if (ctx?.before) qc.setQueryData(boardKey(playbookId), ctx.before);
      onFailure(input, err);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: boardKey(playbookId) }),
  });
}
