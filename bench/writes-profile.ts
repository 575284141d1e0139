// Profile of one writeBatch of 1,000 creates: client time per statement over several batches, then
// each statement of one batch replayed under EXPLAIN (ANALYZE, BUFFERS) in a rolled-back transaction.
//   DATABASE_URL=… npx tsx bench/writes-profile.ts [preload=20000] [batches=5]
import pg from 'pg';
import { makeDeps, openAndMigrate } from '../src/deps.ts';
import { loadConfig } from '../src/config.ts';
import { systemActor } from '../src/lib/actor.ts';

const preload = Number(process.argv[2] ?? 20000);
const nb = Number(process.argv[3] ?? 5);
const explainOnly = process.env.NOEXPLAIN ? false : true;
type Rec = { text: string; values?: unknown[]; ms: number };
let recs: Rec[] | null = null;
const orig = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const q = args[0];
  const text: string = typeof q === 'string' ? q : q?.text;
  const values = typeof q === 'string' ? args[1] : q?.values ?? args[1];
  const t0 = performance.now();
  const p = (orig as any).apply(this, args);
  if (recs && p && typeof p.then === 'function') {
    const r: Rec = { text, values, ms: 0 };
    recs.push(r);
    p.then(() => { r.ms = performance.now() - t0; }, () => { r.ms = performance.now() - t0; });
  }
  return p;
};
const config = { ...loadConfig(), dataDir: '/tmp' };
const database = await openAndMigrate(config);
const deps = await makeDeps(config, database);
const { workspace } = await deps.services.workspaces.create({ name: 'Profile', defaultCountry: 'ES' });
const actor = systemActor(workspace.id);
const tag = Date.now().toString(36);
let seq = 0;
const contact = () => { const i = ++seq; return { firstName: 'Lucía', lastName: `García López${i}`, email: `p.${tag}.${i}@bench.example`, phone: `6${String(10_000_000 + i).slice(-8)}`, company: `Empresa ${i % 1000}` }; };
const batch = () => deps.services.contacts.writeBatch(actor, Array.from({ length: 1000 }, contact), { mode: 'create', source: 'csv', sourceDetail: 'import:bench' });
for (let i = 0; i < preload / 1000; i++) await batch();
await database.raw('VACUUM ANALYZE contacts', []).catch(() => {});
await database.raw('CHECKPOINT', []).catch(() => {});
const label = (t: string) => t.replace(/\s+/g, ' ').slice(0, 70);
const agg = new Map<string, number[]>();
const totals: number[] = [];
for (let b = 0; b < nb; b++) {
  recs = [];
  const t0 = performance.now();
  await batch();
  totals.push(performance.now() - t0);
  for (const r of recs) { const k = label(r.text); agg.set(k, [...(agg.get(k) ?? []), r.ms]); }
  recs = null;
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(`batches of 1,000 creates over ${preload} existing: total median ${med(totals).toFixed(1)} ms (${totals.map((t) => t.toFixed(0)).join(' ')})`);
let dbSum = 0;
for (const [k, v] of agg) { const m = med(v); dbSum += m * (v.length / nb); console.log(`  ${m.toFixed(1).padStart(7)} ms ×${v.length / nb}  ${k}`); }
console.log(`  db (client wall) ${dbSum.toFixed(1)} ms, node ≈ ${(med(totals) - dbSum).toFixed(1)} ms`);
if (explainOnly) {
  recs = [];
  await batch();
  const captured = recs.filter((r) => /^\s*(WITH|INSERT|UPDATE|DELETE|SELECT)/i.test(r.text) && !/set_config/.test(r.text));
  recs = null;
  // Replay: the captured statements again with fresh keys would conflict; delete the batch's rows first inside the tx.
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query('BEGIN');
  await c.query(`SELECT set_config('app.workspace_id', $1, true)`, [workspace.id]);
  // undo the captured batch so the replay inserts the same rows
  const ids = await c.query(`SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1000`, [workspace.id]);
  const idl = ids.rows.map((r) => r.id);
  const hasStarts = (await c.query(`SELECT to_regclass('consent_starts') IS NOT NULL AS ok`)).rows[0].ok;
  for (const t of ['consent_records', ...(hasStarts ? ['consent_starts'] : []), 'contact_events', 'contact_identifiers']) await c.query(`DELETE FROM ${t} WHERE workspace_id = $1 AND contact_id = ANY($2::uuid[])`, [workspace.id, idl]);
  await c.query(`DELETE FROM outbox WHERE workspace_id = $1 AND payload->>'contactId' = ANY($2::text[])`, [workspace.id, idl]);
  await c.query(`DELETE FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [workspace.id, idl]);
  await c.query('SET LOCAL ROLE vixiees_app').catch(() => {});
  const variants = process.env.VARIANTS ? await c.query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'contacts'::regclass AND NOT indisprimary ORDER BY 1`) : { rows: [] };
  const insert = captured.find((r) => /^\s*INSERT INTO contacts/.test(r.text));
  if (insert && variants.rows.length) {
    /** Median time, and the (deterministic) WAL records, WAL bytes and buffers touched, of the insert with these indexes dropped. */
    const time = async (drop: string[]) => {
      const ms: number[] = [];
      let work = '';
      for (let i = 0; i < 3; i++) {
        await c.query('SAVEPOINT v');
        for (const d of drop) await c.query(`DROP INDEX ${d}`);
        const t0 = performance.now();
        const res = await c.query({ text: `EXPLAIN (ANALYZE, BUFFERS, WAL, FORMAT JSON) ${insert.text}`, values: insert.values as any[] });
        ms.push(performance.now() - t0);
        const plan = res.rows[0]['QUERY PLAN'][0].Plan;
        work = `WAL ${plan['WAL Records']} records ${(plan['WAL Bytes'] / 1024).toFixed(0)} kB, buffers ${plan['Shared Hit Blocks'] + plan['Shared Read Blocks']}`;
        await c.query('ROLLBACK TO SAVEPOINT v');
      }
      return `${med(ms).toFixed(1)} ms, ${work}`;
    };
    await c.query('RESET ROLE');
    console.log(`contacts insert of 1,000 rows, all indexes: ${await time([])}`);
    for (const { name } of variants.rows) console.log(`  without ${name}: ${await time([name])}`);
    console.log(`  PK only: ${await time(variants.rows.map((r: any) => r.name))}`);
    await c.query('ALTER TABLE contacts DISABLE TRIGGER contacts_search_fields').then(() => c.query('SAVEPOINT s'));
    console.log(`  all indexes, search trigger off: ${await time([])}`);
    console.log(`  PK only, search trigger off: ${await time(variants.rows.map((r: any) => r.name))}`);
    await c.query('ALTER TABLE contacts ENABLE TRIGGER contacts_search_fields');
    await c.query('SET LOCAL ROLE vixiees_app');
  }
  for (const r of captured) {
    const res = await c.query({ text: `EXPLAIN (ANALYZE, BUFFERS, WAL, TIMING ON) ${r.text}`, values: r.values as any[] });
    console.log('\n=== ' + label(r.text));
    console.log(res.rows.map((x) => x['QUERY PLAN']).join('\n'));
  }
  await c.query('ROLLBACK');
  await c.end();
}
await database.close();
