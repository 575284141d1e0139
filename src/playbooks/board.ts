import type { Actor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { presentContact } from '../contacts/contacts.present.ts';
import * as repo from './playbooks.repo.ts';
import type { Board, BoardQuery } from './playbooks.schema.ts';
import { presentStage } from './playbooks.service.ts';

/**
 * The playbook as a board: per stage (in order) its live contact count, how many have been in it
 * longer than the stage's `staleAfterDays`, and its first contacts. Three queries whatever the
 * size: stages, counts (from the day counters) and every column's first page (one LATERAL).
 */
export async function playbookBoard(deps: { db: Db; clock: Clock }, actor: Actor, playbookId: string, q: BoardQuery): Promise<Board> {
  const { db, clock } = deps;
  const now = clock.now();
  const p = await repo.findPlaybookRow(db, actor.workspaceId, playbookId);
  if (!p) throw notFound('Playbook', playbookId);
  const stages = await repo.listStageRows(db, actor.workspaceId, [playbookId]);
  const counts = await repo.stageCounts(db, actor.workspaceId, playbookId, now, stages);
  const names = new Map(stages.map((s) => [s.id, s.name]));
  const byStage = new Map<string, Board['columns'][number]['contacts']>();
  for (const row of await repo.boardColumnRows(db, actor.workspaceId, playbookId, q.sort, q.limit)) {
    const list = byStage.get(row.stageId!) ?? [];
    list.push(presentContact(row, { now, stageNames: names }));
    byStage.set(row.stageId!, list);
  }
  const columns: Board['columns'] = stages.map((stage) => {
    const c = counts.get(stage.id) ?? { count: 0, stale: 0 };
    return { stage: presentStage(stage), count: c.count, staleCount: c.stale, contacts: byStage.get(stage.id) ?? [] };
  });
  return {
    playbook: {
      id: p.id,
      name: p.name,
      position: p.position,
      archived: p.archivedAt !== null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      version: Number(p.version),
    },
    columns,
  };
}
