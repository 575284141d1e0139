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
 * longer than the stage's `staleAfterDays`, and its first contacts. Three statements whatever the
 * size — the playbook with its stages, the counts (one running total per stage and the days since
 * the stale cutoff) and every column's first page (one LATERAL) — each a round trip of its own:
 * a pooled connection already holds the caller's workspace (tenant-connection.ts), so a
 * transaction around them would only add its BEGIN and COMMIT (five round trips instead of
 * three) and no consistency: under READ COMMITTED each statement takes its own snapshot anyway,
 * so a count and a column may differ by a move made between them.
 */
export async function playbookBoard(deps: { db: Db; clock: Clock }, actor: Actor, playbookId: string, q: BoardQuery): Promise<Board> {
  const now = deps.clock.now();
  const found = await repo.findPlaybookWithStages(deps.db, actor.workspaceId, playbookId);
  if (!found) throw notFound('Playbook', playbookId);
  const { playbook: p, stages } = found;
  const counts = await repo.stageCounts(deps.db, actor.workspaceId, playbookId, now, stages);
  const rows = await repo.boardColumnRows(deps.db, actor.workspaceId, playbookId, q.sort, q.limit);
  const names = new Map(stages.map((s) => [s.id, s.name]));
  const byStage = new Map<string, Board['columns'][number]['contacts']>();
  for (const row of rows) {
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
