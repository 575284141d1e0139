import { createHash } from 'node:crypto';

type QueryFn = (...args: unknown[]) => Promise<unknown>;
type QueryConfig = { text: string; name?: string; values?: unknown[] };

/** Distinct statement texts remembered by the process (each with its name once it is hot). */
const MAX_TEXTS = 1_000;
/** Named statements one connection keeps prepared: past it, new texts run unnamed as before. */
const MAX_PER_CONNECTION = 200;
/** Longer texts are rare shapes (long filter trees, big IN lists): not worth a server-side plan. */
const MAX_TEXT = 8_000;

const READ = /^\s*(select|with)\b/i;
/**
 * A list of parameters (`in ($3, $4, …)`): a batch's lookups by id. Prepared, the webhook job's
 * event and message-id lookups of 32 ids took 3.9–4.2 ms each against 1–2.4 ms planned afresh
 * (bench/webhooks-processing.ts, PostgreSQL), so they stay unnamed.
 */
const PARAM_LIST = /\bin \(\$\d/i;
/**
 * A list of ids as one array parameter (`id = ANY($5::uuid[])`): the search box's matches, a
 * batch's rows. A generic plan knows neither the list's length nor its values: PostgreSQL guesses
 * one row and reads every listed contact to sort them, where a plan made with the list walks the
 * page's index and checks each row against it, hashed. Measured at 1M contacts with the 2,654
 * matches of "Luis López": 13.8 ms generic against 7.0 ms (plus 3 ms of planning) with the list,
 * so these stay unnamed too.
 */
const ID_ARRAY = /= any\(\$\d+::uuid\[\]\)/i;
const seen = new Map<string, { uses: number; name: string }>();

/** Whether a statement of this text is worth a server-side plan (what the app ever names). */
function isPreparable(text: string): boolean {
  return text.length <= MAX_TEXT && READ.test(text) && !PARAM_LIST.test(text) && !ID_ARRAY.test(text);
}

/**
 * The statement's name once its text has been seen twice in this process: a read with
 * parameters, the shape of every list, board and lookup query. The name is derived from the text,
 * so any connection prepares it under the same name and a name never meets another text.
 */
export function hotStatementName(text: string): string | undefined {
  if (!isPreparable(text)) return undefined;
  let entry = seen.get(text);
  if (!entry) {
    if (seen.size >= MAX_TEXTS) return undefined;
    entry = { uses: 0, name: `v_${createHash('sha1').update(text).digest('hex').slice(0, 24)}` };
    seen.set(text, entry);
  }
  entry.uses += 1;
  return entry.uses >= 2 ? entry.name : undefined;
}

/**
 * node-postgres prepares a named query once per connection (Parse on first use, then only Bind and
 * Execute), so PostgreSQL skips parsing and rewriting and, once its plan cache settles on the
 * generic plan, planning. Row-level security does not get in the way: the policy reads the
 * workspace from `current_setting`, evaluated at execution, not from the statement's text.
 * Statements without parameters (BEGIN, multi-statement scripts) keep the simple protocol.
 */
export function preparingHotReads(query: QueryFn): QueryFn {
  const named = new Set<string>();
  return (...args: unknown[]) => {
    const [config, values] = args;
    if (typeof config !== 'object' || config === null || typeof (config as QueryConfig).text !== 'string' || (config as QueryConfig).name) return query(...args);
    const params = Array.isArray(values) ? values : (config as QueryConfig).values;
    if (!params?.length) return query(...args);
    const name = hotStatementName((config as QueryConfig).text);
    if (!name || (!named.has(name) && named.size >= MAX_PER_CONNECTION)) return query(...args);
    named.add(name);
    return query({ ...(config as QueryConfig), name }, ...args.slice(1));
  };
}
