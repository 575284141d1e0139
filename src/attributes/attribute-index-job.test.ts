import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { PROJECT_ROOT } from '../lib/project-root.ts';
import { jobHandlers } from '../workers.ts';
import { attributeIndexName, attributeStatisticsName } from './attributes.repo.ts';
import { ATTRIBUTE_INDEX_TOPIC } from './attributes.service.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

const backend = () => (process.env.DATABASE_URL ? 'postgresql' : 'pglite');
// Index names are per key across workspaces (and the PostgreSQL test database is shared): fresh keys.
const freshKey = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

const indexOf = async (key: string) => {
  const { rows } = await t.database.raw(
    `SELECT c.oid::text AS oid, i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1`,
    [attributeIndexName(key)],
  );
  return rows[0] as { oid: string; valid: boolean } | undefined;
};

const jobsFor = async (key: string) => {
  const { rows } = await t.database.raw(`SELECT workspace_id, payload FROM outbox WHERE topic = $1 AND payload->>'key' = $2`, [ATTRIBUTE_INDEX_TOPIC, key]);
  return rows as { workspace_id: string; payload: { key: string; workspaceId: string } }[];
};

/** What the queue does with the outbox row: the real handler from workers.ts, in the row's workspace. */
const runJob = (payload: { key: string; workspaceId: string }) =>
  inWorkspace(payload.workspaceId, () => jobHandlers(t.deps)[ATTRIBUTE_INDEX_TOPIC]!.run(payload, { id: 'index-job', retryCount: 0, lastAttempt: false }));

describe(`attribute index builds run as a job (${backend()})`, () => {
  it('creating a sortable attribute records the job; the handler builds the index, once', async () => {
    const key = freshKey('idx');
    const res = await ws.req('POST', '/v1/contact-attributes', { key, label: 'Score', type: 'number' });
    expect(res.status, res.text).toBe(201);
    const jobs = await jobsFor(key);
    expect(jobs).toEqual([{ workspace_id: ws.id, payload: { key, workspaceId: ws.id } }]);
    // The request did no DDL: the index does not exist until the job runs.
    expect(await indexOf(key)).toBeUndefined();
    // Meanwhile sorting and filtering on it are right, only without the index.
    for (const score of [3, 1, 2]) expect((await ws.req('POST', '/v1/contacts', { email: `${key}-${score}@example.com`, customAttributes: { [key]: score } })).status).toBe(201);
    const { rows: sorted } = await t.database.raw(
      `SELECT (custom_attributes->>$2)::numeric AS v FROM contacts WHERE workspace_id = $1 AND custom_attributes ? $2 ORDER BY custom_attributes->$2, id`,
      [ws.id, key],
    );
    expect(sorted.map((r) => Number(r.v))).toEqual([1, 2, 3]);

    await runJob(jobs[0]!.payload);
    const built = await indexOf(key);
    expect(built?.valid).toBe(true);
    // Only contacts with a value are in it (index budget, migration 1000).
    const { rows: def } = await t.database.raw(`SELECT pg_get_indexdef($1::oid) AS def`, [built!.oid]);
    expect(String(def[0]?.def)).toMatch(new RegExp(`WHERE \\(\\(deleted_at IS NULL\\) AND \\(\\(custom_attributes -> '${key}'::text\\) IS NOT NULL\\)\\)`));
    // The planner knows the attribute's values: statistics on the expression, gathered after the
    // build (a partial index's own statistics are not used for the table's estimates).
    const { rows: stats } = await t.database.raw(`SELECT most_common_vals::text AS mcv, histogram_bounds::text AS bounds FROM pg_stats_ext_exprs WHERE statistics_name = $1`, [attributeStatisticsName(key)]);
    expect(stats).toHaveLength(1);
    expect(`${stats[0]!.mcv ?? ''}${stats[0]!.bounds ?? ''}`).toMatch(/[123]/);
    // Run again (a retry, a second worker): the valid index is kept, not rebuilt.
    await runJob(jobs[0]!.payload);
    expect(await indexOf(key)).toEqual(built);
  });

  it('gives an index built before the expression statistics existed its statistics (migration 1400)', async () => {
    const key = freshKey('idx_stats');
    expect((await ws.req('POST', '/v1/contact-attributes', { key, label: 'Nivel', type: 'number' })).status).toBe(201);
    expect((await ws.req('POST', '/v1/contacts', { email: `${key}@example.com`, customAttributes: { [key]: 7 } })).status).toBe(201);
    const [job] = await jobsFor(key);
    await runJob(job!.payload);
    // As an index built by an earlier version left it: no statistics object.
    await t.database.raw(`DROP STATISTICS ${attributeStatisticsName(key)}`, []);
    const statsOf = async () => (await t.database.raw(`SELECT null_frac IS NOT NULL AS gathered FROM pg_stats_ext_exprs WHERE statistics_name = $1`, [attributeStatisticsName(key)])).rows;
    expect(await statsOf()).toHaveLength(0);
    await t.database.raw(readFileSync(join(PROJECT_ROOT, 'src/db/migrations/1400_attribute_expression_statistics.sql'), 'utf8'), []);
    expect(await statsOf()).toEqual([{ gathered: true }]);
  });

  it('rebuilds an index a failed build left invalid', async () => {
    const key = freshKey('idx_invalid');
    expect((await ws.req('POST', '/v1/contact-attributes', { key, label: 'Renewal', type: 'date' })).status).toBe(201);
    const [job] = await jobsFor(key);
    await runJob(job!.payload);
    const first = await indexOf(key);
    // What CREATE INDEX CONCURRENTLY leaves when it fails half-way.
    await t.database.raw(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = $1::oid`, [first!.oid]);
    expect(await indexOf(key)).toEqual({ oid: first!.oid, valid: false });
    await runJob(job!.payload);
    const rebuilt = await indexOf(key);
    expect(rebuilt?.valid).toBe(true);
    expect(rebuilt?.oid).not.toBe(first!.oid);
  });

  it('asks for an index only when the attribute becomes sortable, in the same transaction', async () => {
    const key = freshKey('idx_tags');
    const tags = await ws.req('POST', '/v1/contact-attributes', { key, label: 'Tags', type: 'multi_select', options: [{ value: 'a', label: 'A' }] });
    expect(tags.status, tags.text).toBe(201);
    expect(await jobsFor(key)).toEqual([]);
    const relabeled = await ws.req('PATCH', `/v1/contact-attributes/${tags.body.id}`, { label: 'Labels' });
    expect(relabeled.status, relabeled.text).toBe(200);
    expect(await jobsFor(key)).toEqual([]);
    const toText = await ws.req('PATCH', `/v1/contact-attributes/${tags.body.id}`, { type: 'text' });
    expect(toText.status, toText.text).toBe(200);
    expect(await jobsFor(key)).toHaveLength(1);
    // A refused change (duplicate key) leaves no job behind: the row is in the rolled-back transaction.
    const dupKey = freshKey('idx_dup');
    expect((await ws.req('POST', '/v1/contact-attributes', { key: dupKey, label: 'One', type: 'text' })).status).toBe(201);
    expect((await ws.req('POST', '/v1/contact-attributes', { key: dupKey, label: 'Two', type: 'number' })).status).toBe(409);
    expect(await jobsFor(dupKey)).toHaveLength(1);
  });
});
