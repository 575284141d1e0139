import type { Database, RawSql } from '../src/lib/db.ts';
import { systemActor, type Actor } from '../src/lib/actor.ts';
import type { Deps } from '../src/deps.ts';
import { contactAt, prng, type GenContact, type GenContext } from './generate.ts';

export type World = {
  workspaceId: string; apiKey: string; actor: Actor; owners: string[]; playbookId: string; stageIds: string[];
  attention: boolean; otherWorkspaces: number; loadSeconds: number; rowsPerSecond: number; indexSeconds: number;
};

const BATCH = 1000;

async function contactColumns(database: Database): Promise<Set<string>> {
  const { rows } = await database.raw(`SELECT column_name FROM information_schema.columns WHERE table_name = 'contacts'`, []);
  return new Set(rows.map((r) => String(r.column_name)));
}

/** Multi-row INSERTs of generated contacts, 1000 per statement. */
async function insertContacts(database: Database, workspaceId: string, count: number, ctx: GenContext, seed: number, attention: boolean) {
  const r = prng(seed);
  const cols = ['workspace_id', 'id', 'first_name', 'last_name', 'email', 'phone', 'company', 'owner_id', 'source',
    'consent_transactional_whatsapp', 'consent_transactional_email', 'consent_marketing_whatsapp', 'consent_marketing_email',
    'created_at', 'updated_at', 'playbook_id', 'stage_id', 'stage_entered_at', 'custom_attributes',
    ...(attention ? ['attention_since', 'attention_whatsapp_since', 'last_inbound_whatsapp_at'] : [])];
  const valuesOf = (c: GenContact) => [workspaceId, c.id, c.firstName, c.lastName, c.email, c.phone, c.company, c.ownerId, c.source,
    ...c.consents, c.createdAt, c.createdAt, c.playbookId, c.stageId, c.stageEnteredAt, JSON.stringify(c.customAttributes),
    ...(attention ? [c.attentionSince, c.attentionWhatsappSince, c.lastInboundWhatsappAt] : [])];
  const inFlight: Promise<unknown>[] = [];
  let previous: GenContact | undefined;
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = contactAt(r, start + i, ctx, previous);
      previous = c;
      const base = params.length;
      params.push(...valuesOf(c));
      tuples.push(`(${cols.map((_, k) => `$${base + k + 1}`).join(',')})`);
    }
    inFlight.push(database.raw(`INSERT INTO contacts (${cols.join(',')}) VALUES ${tuples.join(',')}`, params));
    // One statement at a time: the board's per-stage counters (a trigger) deadlock under concurrent batches.
    if (inFlight.length >= 1) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

/**
 * Loads `size` contacts into one workspace plus 9 smaller workspaces (size/50 each). Secondary
 * indexes are dropped during the load and rebuilt after (a bulk GIN build is far faster than
 * row-by-row maintenance); identifiers are derived set-based with INSERT … SELECT.
 */
export async function loadWorld(deps: Deps, size: number, log: (s: string) => void): Promise<World> {
  const database = deps.database;
  const now = Date.now();
  const attention = (await contactColumns(database)).has('attention_since');
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

  const { rows: indexes } = await database.raw(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('contacts', 'contact_identifiers') AND indexname NOT LIKE '%pkey'`, []);
  for (const ix of indexes) await database.raw(`DROP INDEX ${String(ix.indexname)}`, []);
  const t0 = performance.now();
  const ctx: GenContext = { owners, stages: { playbookId: playbook.id, stageIds }, attention, now };
  await insertContacts(database, workspaceId, size, ctx, 42, attention);
  log(`  main workspace: ${size} contacts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const others = 9;
  for (let w = 0; w < others; w++) {
    const o = await deps.services.workspaces.create({ name: `Bench other ${w}`, defaultCountry: 'MX' });
    await insertContacts(database, o.workspace.id, Math.floor(size / 50), { owners: [o.owner.id], stages: { playbookId: '', stageIds: [] }, attention, now: now - w }, 1000 + w, attention);
  }
  // Set-based over every workspace: at 1M on a busy machine it outlasts the pool's 30 s statement timeout.
  const unlimited = (raw: RawSql) => (database.kind === 'postgres' ? raw('SET statement_timeout = 0', []) : undefined);
  await database.session(async (raw) => {
    await unlimited(raw);
    for (const kind of ['email', 'phone']) {
      const value = kind === 'email' ? 'lower(email)' : 'phone';
      await raw(`INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id)
        SELECT workspace_id, '${kind}', ${value}, id FROM contacts WHERE ${kind} IS NOT NULL ON CONFLICT DO NOTHING`, []);
    }
    await raw('RESET statement_timeout', []);
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  log(`  all workspaces + identifiers loaded in ${loadSeconds.toFixed(1)} s; rebuilding ${indexes.length} indexes`);
  const t1 = performance.now();
  await database.session(async (raw) => {
    if (database.kind === 'postgres') await raw(`SET maintenance_work_mem = '512MB'`, []);
    await unlimited(raw);
    for (const ix of indexes) await raw(String(ix.indexdef), []);
    await raw('ANALYZE contacts', []);
    await raw('ANALYZE contact_identifiers', []);
    await raw('RESET statement_timeout', []);
  });
  const indexSeconds = (performance.now() - t1) / 1000;
  log(`  indexes rebuilt in ${indexSeconds.toFixed(1)} s`);
  const total = size + others * Math.floor(size / 50);
  return { workspaceId, apiKey: made.apiKey.secret, actor, owners, playbookId: playbook.id, stageIds, attention, otherWorkspaces: others, loadSeconds, rowsPerSecond: total / loadSeconds, indexSeconds };
}
