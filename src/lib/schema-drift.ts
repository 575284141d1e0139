import { is, SQL } from 'drizzle-orm';
import { getTableConfig, PgArray, PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { RawSql } from './db.ts';

/**
 * Compares Drizzle table declarations with a migrated database's catalog. The SQL migrations are
 * the truth for the database; the Drizzle tables are what the code believes. Used by
 * src/lib/schema-drift.test.ts on both backends.
 */
export type DriftAllowances = {
  /** Tables only the database has, on purpose: name → why. */
  databaseOnlyTables: Record<string, string>;
  /** Columns only the database has, on purpose: "table.column" → why. */
  databaseOnlyColumns: Record<string, string>;
};

type DbColumn = { table: string; column: string; type: string; notNull: boolean; default: string | null };

/** Drizzle's spelling of a type → PostgreSQL's `format_type` spelling (what the catalog shows). */
export function canonicalType(drizzleType: string): string {
  const array = /^(.*?)((?:\[\d*\])+)$/.exec(drizzleType.trim());
  if (array) return canonicalType(array[1]!) + '[]'.repeat(array[2]!.split('[').length - 1);
  const t = drizzleType.trim().toLowerCase().replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')');
  const aliases: Record<string, string> = {
    int: 'integer', int4: 'integer', serial: 'integer', int8: 'bigint', bigserial: 'bigint', int2: 'smallint',
    smallserial: 'smallint', bool: 'boolean', float8: 'double precision', float4: 'real', decimal: 'numeric',
    char: 'character(1)', varchar: 'character varying', timestamptz: 'timestamp with time zone',
    timetz: 'time with time zone',
  };
  if (aliases[t]) return aliases[t];
  let m = /^char(?:acter)?\((\d+)\)$/.exec(t);
  if (m) return `character(${m[1]})`;
  m = /^varchar\((\d+)\)$/.exec(t);
  if (m) return `character varying(${m[1]})`;
  m = /^(timestamp|time)(\(\d+\))?( with time zone| without time zone)?$/.exec(t);
  if (m) return `${m[1]}${m[2] ?? ''}${m[3] ?? ' without time zone'}`;
  m = /^(?:numeric|decimal)\((\d+)\)$/.exec(t);
  if (m) return `numeric(${m[1]},0)`;
  return t.replace(/^decimal/, 'numeric');
}

async function readCatalog(raw: RawSql, schema: string) {
  const columns = (
    await raw(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`,
      [schema],
    )
  ).rows.map((r): DbColumn => ({
    table: String(r.table),
    column: String(r.column),
    type: String(r.type),
    notNull: r.not_null === true,
    default: r.default == null ? null : String(r.default),
  }));
  const keys = (
    await raw(
      `SELECT c.relname AS table, string_agg(a.attname, ', ' ORDER BY k.ord) AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE i.indisprimary AND n.nspname = $1
       GROUP BY c.relname`,
      [schema],
    )
  ).rows;
  const indexes = (await raw(`SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1`, [schema])).rows.map((r) => String(r.name));
  return { columns, primaryKeys: new Map(keys.map((r) => [String(r.table), String(r.columns)])), indexes: new Set(indexes) };
}

function declaredPrimaryKey(table: PgTable): string | null {
  const config = getTableConfig(table);
  const composite = config.primaryKeys[0];
  if (composite) return composite.columns.map((c) => c.name).join(', ');
  const single = config.columns.filter((c) => c.primary).map((c) => c.name);
  return single.length ? single.join(', ') : null;
}

/**
 * The declared default and the database's, both evaluated by the database as text: `'{}'::text[]`
 * and `[]`, `'{}'::jsonb` and `{}` compare equal; `now()` twice in one statement is one instant.
 */
async function defaultsDiffer(raw: RawSql, column: PgColumn, dbType: string, dbDefault: string): Promise<string | null> {
  const declared: unknown = column.default;
  let codeExpr: string;
  let params: unknown[] = [];
  if (is(declared, SQL)) {
    const q = new PgDialect().sqlToQuery(declared);
    codeExpr = q.sql;
    params = q.params;
  } else {
    const value = is(column, PgArray) || typeof declared === 'object' ? column.mapToDriverValue(declared) : declared;
    codeExpr = `$1::${dbType}`;
    params = [value];
  }
  const { rows } = await raw(`SELECT (${dbDefault})::text AS db, (${codeExpr})::text AS code`, params);
  const r = rows[0]!;
  return r.db === r.code ? null : `code ${String(r.code)}, database ${String(r.db)}`;
}

/** Every difference between the declared tables and the database, one readable line each. */
export async function schemaDrift(raw: RawSql, tables: PgTable[], allow: DriftAllowances): Promise<string[]> {
  const out: string[] = [];
  const schemas = new Set(tables.map((t) => getTableConfig(t).schema ?? 'public'));
  const declaredNames = new Set(tables.map((t) => getTableConfig(t).name));
  const allDbColumns: DbColumn[] = [];
  for (const schema of [...schemas].sort()) {
    const catalog = await readCatalog(raw, schema);
    allDbColumns.push(...catalog.columns);
    const dbTables = new Set(catalog.columns.map((c) => c.table));
    for (const table of tables.filter((t) => (getTableConfig(t).schema ?? 'public') === schema)) {
      const config = getTableConfig(table);
      const name = config.name;
      if (!dbTables.has(name)) {
        out.push(`table ${name}: declared in the code, missing from the database`);
        continue;
      }
      const dbCols = new Map(catalog.columns.filter((c) => c.table === name).map((c) => [c.column, c]));
      for (const column of config.columns) {
        const db = dbCols.get(column.name);
        const where = `${name}.${column.name}`;
        if (!db) {
          out.push(`${where}: declared in the code, missing from the database`);
          continue;
        }
        dbCols.delete(column.name);
        if (where in allow.databaseOnlyColumns) out.push(`${where}: listed as database-only but declared in the code (drop it from the list)`);
        const codeType = canonicalType(column.getSQLType());
        if (codeType !== db.type) out.push(`${where}: type — code ${codeType}, database ${db.type}`);
        if (column.notNull !== db.notNull) {
          out.push(`${where}: nullability — code ${column.notNull ? 'NOT NULL' : 'nullable'}, database ${db.notNull ? 'NOT NULL' : 'nullable'}`);
        }
        if (column.default !== undefined) {
          if (db.default === null) out.push(`${where}: default — declared in the code, none in the database`);
          else if (codeType === db.type) {
            const differs = await defaultsDiffer(raw, column, db.type, db.default);
            if (differs) out.push(`${where}: default — ${differs}`);
          }
        }
      }
      for (const extra of dbCols.keys()) {
        if (!(`${name}.${extra}` in allow.databaseOnlyColumns)) out.push(`${name}.${extra}: in the database, not declared in the code`);
      }
      const codeKey = declaredPrimaryKey(table);
      const dbKey = catalog.primaryKeys.get(name) ?? null;
      if (codeKey !== dbKey) out.push(`table ${name}: primary key — code (${codeKey ?? 'none'}), database (${dbKey ?? 'none'})`);
      for (const index of config.indexes) {
        const indexName = index.config.name;
        if (indexName && !catalog.indexes.has(indexName)) out.push(`table ${name}: index ${indexName} declared in the code, missing from the database`);
      }
    }
    for (const name of [...dbTables].sort()) {
      if (!declaredNames.has(name) && !(name in allow.databaseOnlyTables)) {
        out.push(`table ${name}: in the database, not declared in the code (declare it in a *.tables.ts file, or list it as database-only with why)`);
      }
    }
  }
  // A stale allowance hides nothing today but would hide drift tomorrow: it is reported too.
  const dbTables = new Set(allDbColumns.map((c) => c.table));
  for (const name of Object.keys(allow.databaseOnlyTables)) {
      if (declaredNames.has(name)) out.push(`table ${name}: listed as database-only but declared in the code (drop it from the list)`);
      else if (!dbTables.has(name)) out.push(`table ${name}: listed as database-only but not in the database (drop it from the list)`);
    }
    for (const key of Object.keys(allow.databaseOnlyColumns)) {
      const [table, column] = key.split('.');
    if (!allDbColumns.some((c) => c.table === table && c.column === column)) {
      out.push(`${key}: listed as database-only but not in the database (drop it from the list)`);
    }
  }
  return out;
}
