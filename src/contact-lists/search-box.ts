import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';
import { searchTerms, searchTermsCondition } from './filter-fields.ts';

/** Up to this many matches a search is read by id; a commoner one keeps its LIKE conditions. */
const SEARCH_ID_CAP = 5_000;

const textArray = (values: string[]) => (values.length ? sql`ARRAY[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`ARRAY[]::text[]`);

/**
 * The search box's condition. Under row-level security the trigram `LIKE` cannot use its index
 * (textlike is not leakproof), so the matches are first found by `vx_search_contact_ids`
 * (migration 1350), which runs the same conditions as its owner within the caller's workspace.
 * When there are at most SEARCH_ID_CAP of them the page reads them by id, and by id alone: with the
 * LIKE beside the ids the planner (which may not use the statistics of a non-leakproof condition
 * under the policy) expected a handful of rows and read every match to sort them; with the ids
 * alone it knows how many there are, and for a dense word walks the newest-first index until the
 * page is full (3,842 matches on the embedded database: 16 → 1 ms). A contact renamed between the
 * two statements is judged as it was a moment before, as any read racing a write. A commoner search
 * (thousands of "Luis": the function says so from the planner's estimate, without collecting them)
 * keeps the LIKE alone, written so the planner expects many matches (migration 1370): they are
 * dense, and the page's own index (newest first, by default) fills a page early.
 */
export async function searchBoxCondition(db: Db, q: string, cap = SEARCH_ID_CAP): Promise<SQL> {
  const terms = searchTerms(q);
  const [found] = await queryRows<{ ids: string | null }>(
    db,
    sql`SELECT array_to_string(ids, ',') AS ids
        FROM vx_search_contact_ids(${textArray(terms.textPatterns)}, ${textArray(terms.textContains)}, ${terms.digitsPattern}::text, ${cap}::int) AS ids`,
  );
  // NULL: more than `cap` match (or the planner expects so).
  if (found?.ids == null) return searchTermsCondition(terms, true);
  if (found.ids === '') return sql`false`;
  return sql`contacts.id = ANY(${`{${found.ids}}`}::uuid[])`;
}
