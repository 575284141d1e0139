import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type Database } from '../lib/db.ts';
import { contactOwnedTables, repointContactRows } from './contact-owned-tables.ts';

/*
 * By construction, on a scratch database (an empty in-memory PGlite on either run, so the tables
 * made here never reach the shared one): tables the code has never heard of are found and moved.
 */
let database: Database;
const [ws, otherWs, survivor, merged] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

beforeAll(async () => {
  database = await openDatabase({ inMemory: true });
  for (const ddl of [
    'CREATE TABLE zz_notes (workspace_id uuid NOT NULL, id serial, contact_id uuid NOT NULL)',
    'CREATE TABLE zz_follow_ups (workspace_id uuid NOT NULL, contact_id uuid, due date)',
    // Not a contact-owned table by the convention, whatever it holds.
    'CREATE TABLE zz_links (workspace_id uuid NOT NULL, to_contact_id uuid)',
    'CREATE TABLE zz_dropped (workspace_id uuid NOT NULL, contact_id uuid, kept text)',
    'ALTER TABLE zz_dropped DROP COLUMN contact_id',
    'CREATE VIEW zz_notes_view AS SELECT * FROM zz_notes',
    'CREATE SCHEMA elsewhere',
    'CREATE TABLE elsewhere.zz_notes (workspace_id uuid NOT NULL, contact_id uuid NOT NULL)',
    // Declared in MERGE_EXCEPTIONS as kept.
    'CREATE TABLE bulk_job_items (workspace_id uuid NOT NULL, job_id uuid NOT NULL, contact_id uuid NOT NULL)',
  ]) {
    await database.raw(ddl, []);
  }
  for (const [w, c] of [[ws, survivor], [ws, merged], [ws, merged], [otherWs, merged]] as const) {
    await database.raw('INSERT INTO zz_notes (workspace_id, contact_id) VALUES ($1, $2)', [w, c]);
    await database.raw('INSERT INTO zz_follow_ups (workspace_id, contact_id) VALUES ($1, $2)', [w, c]);
    await database.raw('INSERT INTO elsewhere.zz_notes (workspace_id, contact_id) VALUES ($1, $2)', [w, c]);
    await database.raw('INSERT INTO bulk_job_items (workspace_id, job_id, contact_id) VALUES ($1, $2, $3)', [w, randomUUID(), c]);
  }
});
afterAll(() => database.close());

const count = async (table: string, workspaceId: string, contactId: string) =>
  (await queryRows<{ n: number }>(database.systemDb, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE workspace_id = ${workspaceId} AND contact_id = ${contactId}`))[0]!.n;

describe('contact-owned tables', () => {
  it('are the ordinary public tables with a live contact_id column, each with its rule', async () => {
    expect(await contactOwnedTables(database.systemDb)).toEqual([
      { table: 'bulk_job_items', rule: 'keep' },
      { table: 'zz_follow_ups', rule: 'repoint' },
      { table: 'zz_notes', rule: 'repoint' },
    ]);
  });

  it('are re-pointed in one workspace, tables nobody listed included, and the kept ones stay', async () => {
    const moved = await database.systemDb.transaction((tx) => repointContactRows(tx, ws, survivor, merged));
    expect(moved).toEqual(['zz_follow_ups', 'zz_notes']);
    for (const table of ['zz_notes', 'zz_follow_ups']) {
      expect([await count(table, ws, survivor), await count(table, ws, merged)], table).toEqual([3, 0]);
      expect(await count(table, otherWs, merged), `${table} in another workspace`).toBe(1);
    }
    expect([await count('elsewhere.zz_notes', ws, survivor), await count('elsewhere.zz_notes', ws, merged)]).toEqual([1, 2]);
    expect([await count('bulk_job_items', ws, survivor), await count('bulk_job_items', ws, merged)]).toEqual([1, 2]);
  });
});
