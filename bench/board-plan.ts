/**
 * The playbook board at scale, on a throwaway database (same conventions as attribute-filter-plan.ts):
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/board-plan.ts 1000000
 * Puts every contact of the workspace in one of 6 stages, entered over the last 60 days, then
 * times the board service and prints the plans of its count and column queries.
 */
import { fixedClock } from '../src/lib/clock.ts';
import { openDatabase, type Database } from '../src/lib/db.ts';
import { migrate } from '../src/lib/migrate.ts';
import { createScratchDatabase } from '../src/lib/scratch-database.ts';
import { systemActor } from '../src/lib/actor.ts';
import { playbookBoard } from '../src/playbooks/board.ts';
import { stageCounts } from '../src/playbooks/playbooks.repo.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';

const N = Number(process.argv[2] ?? 200_000);
const WS = '01900000-0000-7000-8000-000000000001';
const PB = '01900000-0000-7000-8000-0000000000b1';
const NOW = '2026-11-24T08:00:00.000Z';

async function open(): Promise<{ database: Database; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) return { database: await openDatabase({ inMemory: true }), drop: async () => undefined };
  const scratch = await createScratchDatabase(server, 'vixiees_board');
  const database = await openDatabase({ databaseUrl: scratch.url });
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

const { database, drop } = await open();
try {
  await migrate(database);
  const t0 = Date.now();
  await database.raw(`INSERT INTO workspaces (id, name, created_at, updated_at) VALUES ('${WS}', 'Board', now(), now())`);
  await database.raw(`INSERT INTO playbooks (workspace_id, id, name, position, created_at, updated_at) VALUES ('${WS}', '${PB}', 'Sales', 0, now(), now())`);
  await database.raw(`INSERT INTO playbook_stages (workspace_id, id, playbook_id, name, kind, position, stale_after_days, created_at, updated_at)
    SELECT '${WS}', md5('stage' || s)::uuid, '${PB}', 'Stage ' || s, CASE s WHEN 5 THEN 'won' WHEN 6 THEN 'lost' ELSE 'open' END, s, CASE WHEN s < 5 THEN 7 * s END, now(), now()
    FROM generate_series(1, 6) s`);
  // In batches: each statement stays under the pool's statement timeout.
  for (let from = 1; from <= N; from += 100_000) {
    await database.raw(`INSERT INTO contacts (workspace_id, id, source, created_at, updated_at, playbook_id, stage_id, stage_entered_at, deleted_at)
      SELECT '${WS}', md5('c' || g)::uuid, 'api', now(), now(), '${PB}', md5('stage' || (1 + g % 6))::uuid,
        timestamptz '${NOW}' - ((g % 86400) * 60) * interval '1 second', CASE WHEN g % 200 = 0 THEN now() END
      FROM generate_series(${from}, ${Math.min(N, from + 99_999)}) g`);
  }
  await database.raw('VACUUM ANALYZE contacts');
  await database.raw('VACUUM ANALYZE playbook_stage_day_counts'); // as autovacuum would after the bulk insert
  console.log(`${database.kind}: ${N} contacts in 6 stages, generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const deps = { db: database.db, clock: fixedClock(NOW) };
  const actor = systemActor(WS);
  const times: number[] = [];
  let board;
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    board = await inWorkspace(WS, () => playbookBoard(deps, actor, PB, { limit: 20, sort: 'longest' }));
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(`board (20 runs): median ${times[10]!.toFixed(1)} ms, p95 ${times[18]!.toFixed(1)} ms`);
  const countTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await inWorkspace(WS, () => stageCounts(database.db, WS, PB, new Date(NOW)));
    countTimes.push(performance.now() - s);
  }
  countTimes.sort((a, b) => a - b);
  console.log(`counts and stale counts only (20 runs): median ${countTimes[10]!.toFixed(1)} ms, p95 ${countTimes[18]!.toFixed(1)} ms`);
  console.log(board!.columns.map((c) => `  ${c.stage.name}: ${c.count} contacts, ${c.staleCount} stale (> ${c.stage.staleAfterDays ?? '-'} d)`).join('\n'));

  const explain = async (title: string, q: string) => {
    const plan = await database.raw(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${q}`, []);
    console.log(`\n### ${title}\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
  };
  const stage = `md5('stage1')::uuid`;
  await explain('board count query (day buckets + the cutoff day from the index)', `SELECT * FROM playbook_stage_day_counts WHERE workspace_id = '${WS}' AND playbook_id = '${PB}' AND stage_id = ${`md5('stage1')::uuid`}`);
  await explain('count of one stage by scanning (what the buckets avoid)', `SELECT count(*) FROM contacts c WHERE c.workspace_id = '${WS}' AND c.stage_id = ${stage} AND c.deleted_at IS NULL`);
  await explain('stale count of one stage', `SELECT count(*) FROM contacts c WHERE c.workspace_id = '${WS}' AND c.stage_id = ${stage} AND c.deleted_at IS NULL AND c.stage_entered_at < timestamptz '${NOW}' - interval '7 days'`);
  await explain('first column page, longest in stage first', `SELECT * FROM contacts WHERE workspace_id = '${WS}' AND stage_id = ${stage} AND deleted_at IS NULL ORDER BY stage_entered_at, id LIMIT 20`);
} finally {
  await drop();
  await database.close().catch(() => undefined);
}
