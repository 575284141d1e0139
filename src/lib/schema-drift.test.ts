import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { is } from 'drizzle-orm';
import {
  bigint, boolean, char, date, doublePrecision, integer, jsonb, numeric, pgSchema, PgTable, primaryKey, real,
  smallint, text, time, timestamp, uuid, varchar,
} from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, openTestDatabase } from '../../test/harness.ts';
import type { Database } from './db.ts';
import { canonicalType, schemaDrift, type DriftAllowances } from './schema-drift.ts';

const SRC = join(import.meta.dirname, '..');

/**
 * What only the database has, on purpose. Each of these is read and written with SQL the code
 * writes by hand (or by a trigger), never through a Drizzle table; a table or column that appears
 * in the database without being declared or listed here fails the test.
 */
const ALLOW: DriftAllowances = {
  databaseOnlyTables: {
    schema_migrations: 'the migration record, written by src/lib/migrate.ts before any table exists',
    instance_secrets: 'per-installation secrets (cursor HMAC), read once at start with raw SQL (deps.ts)',
    idempotency_keys: 'stored responses of idempotent requests, raw SQL in src/lib/http/idempotency.ts',
    outbox: 'the transactional outbox, raw SQL in src/lib/jobs/outbox.ts and outbox-relay.ts',
    playbook_stage_day_counts: 'board counters kept by a trigger (migrations 0420–0422), read with raw SQL',
    stage_count_moves: "a statement's pending stage moves, written and removed by the counters' triggers (migration 1410)",
    bulk_jobs: 'bulk actions, raw SQL in src/bulk/bulk.repo.ts',
    bulk_job_items: 'items of a bulk action, raw SQL in src/bulk/bulk.repo.ts',
    rate_limits: 'request budgets across processes, not tenant data, raw SQL in src/lib/http/rate-limit.ts',
    job_workers: 'job worker heartbeats, not tenant data, raw SQL in src/lib/jobs/worker-heartbeat.ts',
  },
  databaseOnlyColumns: {
    // Kept by the contacts_search_fields trigger (0500) and read as raw SQL by contact-lists: declared
    // in Drizzle they would ride along in every select() of a contact.
    'contacts.search_text': 'folded search text, written by a trigger',
    'contacts.search_digits': 'phone digits for search, written by a trigger',
    'contacts.sort_first_name': 'folded sort key, written by a trigger',
    'contacts.sort_last_name': 'folded sort key, written by a trigger',
  },
};

/** Every table exported by a *.tables.ts module under src/: a new tables file is picked up by itself. */
async function declaredTables(): Promise<{ tables: PgTable[]; files: string[] }> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tables.ts'))
    .sort();
  const tables = new Set<PgTable>();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(SRC, f)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (is(value, PgTable)) tables.add(value);
  }
  return { tables: [...tables], files: files.map((f) => relative(join(SRC, '..'), join(SRC, f))) };
}

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('schema drift', () => {
  it('every Drizzle table agrees with the migrated database', { timeout: 60_000 }, async () => {
    const { tables, files } = await declaredTables();
    expect(files.length).toBeGreaterThanOrEqual(13);
    expect(tables.length).toBeGreaterThanOrEqual(20);
    const differences = await schemaDrift(database.raw, tables, ALLOW);
    console.log(
      `[schema-drift] ${backend()}: ${tables.length} Drizzle tables from ${files.length} files, ` +
        `${Object.keys(ALLOW.databaseOnlyTables).length} database-only tables, ${differences.length} differences`,
    );
    expect(differences, `Drizzle tables and migrations disagree:\n  ${differences.join('\n  ')}\n`).toEqual([]);
  });

  describe('on a probe schema', () => {
    const schemaName = `drift_probe_${process.pid}`;
    beforeAll(async () => {
      await database.raw(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE; CREATE SCHEMA ${schemaName};
        CREATE TABLE ${schemaName}.every_type (
          id uuid PRIMARY KEY, a text NOT NULL DEFAULT '', b timestamptz, c timestamp(3), d date, e integer NOT NULL DEFAULT 1,
          f bigint NOT NULL DEFAULT 1, g smallint, h jsonb NOT NULL DEFAULT '{}', i boolean NOT NULL DEFAULT false,
          j numeric(12, 2), k numeric, l char(3), m varchar(20), n text[] NOT NULL DEFAULT '{}', o uuid[], p real,
          q double precision, r time, s timestamptz NOT NULL DEFAULT now(), t jsonb NOT NULL DEFAULT '[]');
        CREATE TABLE ${schemaName}.drifted (ws uuid NOT NULL, id uuid NOT NULL, title text, amount integer,
          status text NOT NULL DEFAULT 'open', only_in_db text, PRIMARY KEY (ws, id));`);
    });
    afterAll(() => database.raw(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`));

    const probe = pgSchema(schemaName);
    // Each probe test declares one of the two tables; the other is the database's alone.
    const only = (table: string): DriftAllowances => ({ databaseOnlyTables: { [table]: 'the other probe' }, databaseOnlyColumns: {} });

    it('maps every column type, nullability and default the code uses onto the catalog', async () => {
      const everyType = probe.table('every_type', {
        id: uuid('id').primaryKey(),
        a: text('a').notNull().default(''),
        b: timestamp('b', { withTimezone: true, mode: 'date' }),
        c: timestamp('c', { precision: 3 }),
        d: date('d', { mode: 'string' }),
        e: integer('e').notNull().default(1),
        f: bigint('f', { mode: 'number' }).notNull().default(1),
        g: smallint('g'),
        h: jsonb('h').notNull().default({}),
        i: boolean('i').notNull().default(false),
        j: numeric('j', { precision: 12, scale: 2 }),
        k: numeric('k'),
        l: char('l', { length: 3 }),
        m: varchar('m', { length: 20 }),
        n: text('n').array().notNull().default([]),
        o: uuid('o').array(),
        p: real('p'),
        q: doublePrecision('q'),
        r: time('r'),
        s: timestamp('s', { withTimezone: true }).notNull().defaultNow(),
        t: jsonb('t').notNull().default([]),
      });
      expect(await schemaDrift(database.raw, [everyType], only('drifted'))).toEqual([]);
    });

    it('reports each kind of drift, one readable line each', async () => {
      const drifted = probe.table(
        'drifted',
        {
          ws: uuid('ws').notNull(),
          id: uuid('id').notNull(),
          title: text('title').notNull(),
          amount: bigint('amount', { mode: 'number' }),
          status: text('status').notNull().default('pending'),
          onlyInCode: text('only_in_code'),
        },
        (t) => [primaryKey({ columns: [t.id] })],
      );
      const missing = probe.table('missing', { id: uuid('id').primaryKey() });
      const differences = await schemaDrift(database.raw, [drifted, missing], {
        databaseOnlyTables: { every_type: 'the other probe', gone: 'a table dropped since' },
        databaseOnlyColumns: { 'drifted.ghost': 'a column dropped since' },
      });
      expect(differences.sort()).toEqual(
        [
          'drifted.title: nullability — code NOT NULL, database nullable',
          'drifted.amount: type — code bigint, database integer',
          'drifted.status: default — code pending, database open',
          'drifted.only_in_code: declared in the code, missing from the database',
          'drifted.only_in_db: in the database, not declared in the code',
          'table drifted: primary key — code (id), database (ws, id)',
          'table missing: declared in the code, missing from the database',
          'table gone: listed as database-only but not in the database (drop it from the list)',
          'drifted.ghost: listed as database-only but not in the database (drop it from the list)',
        ].sort(),
      );
    });
  });

  it('spells Drizzle types as the catalog does', () => {
    expect(canonicalType('char(2)')).toBe('character(2)');
    expect(canonicalType('varchar(20)')).toBe('character varying(20)');
    expect(canonicalType('timestamp (3) with time zone')).toBe('timestamp(3) with time zone');
    expect(canonicalType('timestamp')).toBe('timestamp without time zone');
    expect(canonicalType('numeric(12, 2)')).toBe('numeric(12,2)');
    expect(canonicalType('serial')).toBe('integer');
    expect(canonicalType('text[]')).toBe('text[]');
    expect(canonicalType('integer[3][]')).toBe('integer[][]');
  });
});

