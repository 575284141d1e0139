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
 * longer than the stage's `staleAfterDays`, and its first contacts. One count query for the
 * whole board, one index range per column (contacts_stage), never one query per contact.
 */
export async function playbookBoard(deps: { db: Db; clock: Clock }, actor: Actor, playbookId: string, q: BoardQuery): Promise<Board> {
  const { db, clock } = deps;
  const now = clock.now();
  const p = await repo.findPlaybookRow(db, actor.workspaceId, playbookId);
  if (!p) throw notFound('Playbook', playbookId);
  const stages = await repo.listStageRows(db, actor.workspaceId, [playbookId]);
  const counts = await repo.stageCounts(db, actor.workspaceId, playbookId, now);
  const names = new Map(stages.map((s) => [s.id, s.name]));
  const columns: Board['columns'] = [];
  for (const stage of stages) {
    const c = counts.get(stage.id) ?? { count: 0, stale: 0 };
    const rows = c.count > 0 ? await repo.stageContactRows(db, actor.workspaceId, stage.id, q.sort, q.limit) : [];
    columns.push({
      stage: presentStage(stage),
      count: c.count,
      staleCount: c.stale,
      contacts: rows.map((r) => presentContact(r, { now, stageNames: names })),
    });
  }
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
