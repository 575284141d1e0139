import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

// Apart from db.ts so that tenant-scope.ts and transaction-retry.ts, which db.ts imports, can
// name the type without importing db.ts back (an import cycle).

/**
 * Both drivers give a `PgDatabase`, so repositories are written once. A transaction is also a
 * `PgDatabase`, which lets a repository function run inside or outside one.
 */
export type Db = PgDatabase<PgQueryResultHKT>;
