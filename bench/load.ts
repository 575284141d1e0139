import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database, RawSql } from '../src/lib/db.ts';
import { makeImportsService } from '../src/imports/imports.service.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';
import { systemActor, type Actor } from '../src/lib/actor.ts';
import type { Deps } from '../src/deps.ts';
import { contactAt, prng, type GenContact, type GenContext } from './generate.ts';

export type World = {
  workspaceId: string; apiKey: string; actor: Actor; owners: string[]; playbookId: string; stageIds: string[];
  attention: boolean; otherWorkspaces: number; loadSeconds: number; rowsPerSecond: number; indexSeconds: number;
};

const BATCH = 1000;

/** A CSV cell: quoted when it holds the delimiter, a quote or a line break. */
const cell = (v: string | null | undefined) => (v == null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const CONSENT_HEADERS = ['consent.transactionalWhatsapp', 'consent.transactionalEmail', 'consent.marketingWhatsapp', 'consent.marketingEmail'];
const ATTRIBUTE_KEYS = ['plan', 'budget', 'renewal', 'tags', 'newsletter', 'industry'];
const HEADER = ['Nombre', 'Apellidos', 'Correo electrónico', 'Teléfono', 'Empresa', 'Propietario', 'Etapa', ...CONSENT_HEADERS, ...ATTRIBUTE_KEYS.map((k) => `attr.${k}`)].join(',');

/** The row a team would import for a generated contact: every column the import maps. */
function csvLine(c: GenContact, ownerEmails: ReadonlyMap<string, string>, stageNames: ReadonlyMap<string, string>): string {
  const a = c.customAttributes;
  const attr = (k: string) => (a[k] === undefined ? '' : Array.isArray(a[k]) ? (a[k] as string[]).join('|') : String(a[k]));
  return [c.firstName, c.lastName, c.email, c.phone, c.company, c.ownerId ? ownerEmails.get(c.ownerId) : '', c.stageId ? stageNames.get(c.stageId) : '',
    ...c.consents.map(String), ...ATTRIBUTE_KEYS.map(attr)].map((v) => cell(v ?? '')).join(',');
}

/**
 * The history a file cannot carry, kept per row while the file is written: when each contact was
 * created, entered its stage, came from which source, waited for an answer or wrote on WhatsApp.
 * Applied after the import as time passing would have (`ageWorkspace`).
 */
async function recordHistory(database: Database, seed: number, rows: { row: number; c: GenContact }[]) {
  if (!rows.length) return;
  const params: unknown[] = [];
  const tuples = rows.map(({ row, c }) => {
    const b = params.length;
    params.push(seed, row, c.createdAt, c.stageEnteredAt, c.source, c.attentionSince, c.lastInboundWhatsappAt);
    return `($${b + 1}::int, $${b + 2}::int, $${b + 3}::timestamptz, $${b + 4}::timestamptz, $${b + 5}, $${b + 6}::timestamptz, $${b + 7}::timestamptz)`;
  });
  await database.raw(`INSERT INTO bench_history VALUES ${tuples.join(',')}`, params);
}

/**
 * A workspace's generated contacts written as a CSV file and imported through the app's own path
 * (upload, draft, job in batches through the set-based writer): the load is B1. Gives the import's
 * id and its seconds.
 */
async function importContacts(deps: Deps, actor: Actor, count: number, ctx: GenContext, seed: number, names: { owners: ReadonlyMap<string, string>; stages: ReadonlyMap<string, string> }) {
  const database = deps.database;
  const dir = mkdtempSync(join(tmpdir(), 'vixiees-bench-load-'));
  const file = join(dir, 'contactos.csv');
  const r = prng(seed);
  writeFileSync(file, `${HEADER}\n`);
  let previous: GenContact | undefined;
  for (let start = 0; start < count; start += 10 * BATCH) {
    const lines: string[] = [];
    const history: { row: number; c: GenContact }[] = [];
    for (let i = start; i < Math.min(count, start + 10 * BATCH); i++) {
      const c = contactAt(r, i, ctx, previous);
      previous = c;
      lines.push(csvLine(c, names.owners, names.stages));
      history.push({ row: i + 1, c });
      if (history.length === BATCH) await recordHistory(database, seed, history.splice(0));
    }
    await recordHistory(database, seed, history);
    appendFileSync(file, `${lines.join('\n')}\n`);
  }
  const imports = makeImportsService(deps);
  const t0 = performance.now();
  const imp = await inWorkspace(actor.workspaceId, async () => {
    const saved = await imports.saveUpload(actor.workspaceId, createReadStream(file));
    const created = await imports.create(actor, { fileName: 'contactos.csv', ...saved }, { matchBy: ['email', 'phone'] });
    await imports.start(actor, created.id);
    await imports.run(actor.workspaceId, created.id);
    return imports.get(actor, created.id);
  });
  rmSync(dir, { recursive: true, force: true });
  // Conflicts are rows whose email and phone belong to two different contacts (random phones
  // collide at a million): reported by the import, as they should be. A failed row is a bug.
  if (imp.status !== 'succeeded' || imp.counts.failed > 0) throw new Error(`bench import ${imp.status}: ${JSON.stringify(imp.counts)}`);
  return { importId: imp.id, seconds: (performance.now() - t0) / 1000, counts: imp.counts };
}

/**
 * Time passing over the imported rows, in one statement per workspace: each created contact gets
 * its generated history (three years of creation dates, time in stage, where it came from,
 * pending attention and the WhatsApp window). The import cannot write a past, and the read
 * benches need one.
 */
async function ageWorkspace(raw: RawSql, workspaceId: string, importId: string, seed: number) {
  await raw(`UPDATE contacts c SET created_at = h.created_at, updated_at = h.created_at, source = h.source,
      stage_entered_at = CASE WHEN c.stage_id IS NULL THEN NULL ELSE COALESCE(h.stage_entered_at, c.stage_entered_at) END,
      attention_since = h.attention_since, attention_whatsapp_since = h.attention_since, last_inbound_whatsapp_at = h.last_inbound
    FROM import_rows r JOIN bench_history h ON h.seed = $3 AND h.row_number = r.row_number
    WHERE r.workspace_id = $1 AND r.import_id = $2 AND r.status = 'created' AND c.workspace_id = $1 AND c.id = r.contact_id`, [workspaceId, importId, seed]);
}

/**
 * Loads `size` contacts into one workspace plus 9 smaller workspaces (size/50 each), each as a CSV
 * file imported through the app (so identifiers, consents, events and outbox rows are the app's
 * own), then ages them: one UPDATE per workspace gives each contact its generated past, and
 * VACUUM FULL compacts what that UPDATE left.
 */
export async function loadWorld(deps: Deps, size: number, log: (s: string) => void): Promise<World> {
  const database = deps.database;
  const now = Date.now();
  const attention = true; // pending attention and the WhatsApp window (kept in World for the benches that read it)
  const made = await deps.services.workspaces.create({ name: 'Bench main', defaultCountry: 'ES' });
  const workspaceId = made.workspace.id;
  const actor = systemActor(workspaceId);
  const owners = [made.owner.id];
  for (let i = 1; i < 20; i++) owners.push((await deps.services.workspaces.createUser(actor, { email: `seller${i}@bench.example`, role: 'member' })).id);
  const playbook = await deps.services.playbooks.create(actor, { name: 'Ventas', stages: ['Nuevo', 'Contactado', 'Cualificado', 'Propuesta', 'Ganado', 'Perdido'].map((name, i) => ({ name, kind: i === 4 ? 'won' as const : i === 5 ? 'lost' as const : 'open' as const, staleAfterDays: 14 })) });
  const attrs = deps.services.contactAttributes;
  await attrs.create(actor, { key: 'plan', label: 'Plan', type: 'single_select', options: ['basic', 'pro', 'enterprise'].map((v) => ({ value: v, label: v })), required: false });
  await attrs.create(actor, { key: 'budget', label: 'Presupuesto', type: 'number', required: false });
  await attrs.create(actor, { key: 'renewal', label: 'Renovación', type: 'date', required: false });
  await attrs.create(actor, { key: 'tags', label: 'Etiquetas', type: 'multi_select', options: ['vip', 'partner', 'lead', 'churn-risk'].map((v) => ({ value: v, label: v })), required: false });
  await attrs.create(actor, { key: 'newsletter', label: 'Newsletter', type: 'boolean', required: false });
  await attrs.create(actor, { key: 'industry', label: 'Sector', type: 'text', required: false });
  const stageIds = playbook.stages.map((s) => s.id);

  const ownerEmails = new Map<string, string>([[made.owner.id, made.owner.email]]);
  for (const [i, id] of owners.entries()) if (i > 0) ownerEmails.set(id, `seller${i}@bench.example`);
  const stageNames = new Map(playbook.stages.map((st) => [st.id, st.name]));
  await database.raw('DROP TABLE IF EXISTS bench_history', []);
  await database.raw(`CREATE TABLE bench_history (seed int, row_number int, created_at timestamptz, stage_entered_at timestamptz, source text,
    attention_since timestamptz, last_inbound timestamptz, PRIMARY KEY (seed, row_number))`, []);

  const t0 = performance.now();
  const ctx: GenContext = { owners, stages: { playbookId: playbook.id, stageIds }, attention, now };
  const main = await importContacts(deps, actor, size, ctx, 42, { owners: ownerEmails, stages: stageNames });
  log(`  main workspace: ${size} rows imported in ${main.seconds.toFixed(1)} s (${Math.round(size / main.seconds)} rows/s through the import; ${JSON.stringify(main.counts)})`);
  const aged = [{ workspaceId, importId: main.importId, seed: 42 }];
  const others = 9;
  for (let w = 0; w < others; w++) {
    const o = await deps.services.workspaces.create({ name: `Bench other ${w}`, defaultCountry: 'MX' });
    const oActor = systemActor(o.workspace.id);
    const done = await importContacts(deps, oActor, Math.floor(size / 50), { owners: [o.owner.id], stages: { playbookId: '', stageIds: [] }, attention, now: now - w }, 1000 + w, { owners: new Map([[o.owner.id, o.owner.email]]), stages: new Map() });
    aged.push({ workspaceId: o.workspace.id, importId: done.importId, seed: 1000 + w });
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  log(`  all workspaces imported in ${loadSeconds.toFixed(1)} s; ageing them and compacting`);
  const t1 = performance.now();
  // At 1M on a busy machine these outlast the pool's 30 s statement timeout.
  const unlimited = (raw: RawSql) => (database.kind === 'postgres' ? raw('SET statement_timeout = 0', []) : undefined);
  await database.session(async (raw) => {
    await unlimited(raw);
    // Fresh tables have no statistics: without them the ageing join was planned as nested loops
    // (a 1M-row UPDATE still reading after 9 minutes).
    await raw('ANALYZE bench_history', []);
    await raw('ANALYZE import_rows', []);
    // The ageing rewrites every row: the secondary indexes are dropped first and built again
    // after, in bulk, as a long-lived table's would be (and far faster than a million updates
    // through each of them).
    const { rows: indexes } = await raw(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contacts' AND indexname NOT LIKE '%pkey'`, []);
    for (const ix of indexes) await raw(`DROP INDEX ${String(ix.indexname)}`, []);
    // The per-day stage counts' row trigger would note each aged contact's move for its statement
    // to sum (migration 1410): 1.4M rows written and removed. Off for the ageing; the day counts
    // are then written from the contacts, as migration 0420 first wrote them.
    await raw('ALTER TABLE contacts DISABLE TRIGGER contacts_stage_day_counts_update', []);
    for (const a of aged) await ageWorkspace(raw, a.workspaceId, a.importId, a.seed);
    await raw('ALTER TABLE contacts ENABLE TRIGGER contacts_stage_day_counts_update', []);
    const ids = `{${aged.map((a) => a.workspaceId).join(',')}}`;
    await raw('DELETE FROM playbook_stage_day_counts WHERE workspace_id = ANY($1::uuid[])', [ids]);
    await raw(`INSERT INTO playbook_stage_day_counts (workspace_id, playbook_id, stage_id, day, n)
      SELECT workspace_id, playbook_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date, count(*)
      FROM contacts WHERE workspace_id = ANY($1::uuid[]) AND stage_id IS NOT NULL AND deleted_at IS NULL GROUP BY 1, 2, 3, 4`, [ids]);
    await raw('DROP TABLE bench_history', []);
    if (database.kind === 'postgres') await raw(`SET maintenance_work_mem = '1GB'`, []);
    await raw('VACUUM FULL contacts', []);
    for (const ix of indexes) await raw(String(ix.indexdef), []);
    await raw('ANALYZE contacts', []);
    await raw('ANALYZE contact_identifiers', []);
    await raw('RESET statement_timeout', []);
  });
  const indexSeconds = (performance.now() - t1) / 1000;
  log(`  aged and compacted in ${indexSeconds.toFixed(1)} s`);
  const total = size + others * Math.floor(size / 50);
  return { workspaceId, apiKey: made.apiKey.secret, actor, owners, playbookId: playbook.id, stageIds, attention, otherWorkspaces: others, loadSeconds, rowsPerSecond: total / loadSeconds, indexSeconds };
}
