import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { uuidv7 } from '../lib/ids.ts';
import { makeImportsService } from './imports.service.ts';
import { multipart, plainFile, SPANISH_HEADERS, spanishFile } from './import-fixtures.test-helpers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-imports-'));
let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp({ config: { dataDir } });
  ws = await t.workspace();
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function upload(w: TestWorkspace, name: string, content: Buffer, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const f = multipart({ name, content }, fields);
  const res = await t.app.inject({ method: 'POST', url: '/v1/imports', payload: f.payload, headers: { ...f.headers, ...headers, authorization: `Bearer ${w.apiKey}` } });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body), text: res.body };
}

/** Starts the import and works its job here (the test app runs no workers). */
async function runImport(w: TestWorkspace, id: string) {
  const started = await w.req('POST', `/v1/imports/${id}/start`);
  expect(started.status, started.text).toBe(202);
  await makeImportsService(t.deps).run(w.id, id);
  const done = await w.req('GET', `/v1/imports/${id}`);
  expect(done.status).toBe(200);
  return done.body;
}

const contactsOf = async (w: TestWorkspace, sourceDetail: string) =>
  (await t.database.raw(`SELECT id, first_name, last_name, email, phone, company, source, source_detail, consent_marketing_email AS marketing_email, version, deleted_at
    FROM contacts WHERE workspace_id = $1 AND source_detail = $2 ORDER BY email`, [w.id, sourceDetail])).rows;

const sumCounts = (c: Record<string, number>) => c.created! + c.updated! + c.unchanged! + c.failed! + c.conflict!;

describe('CSV import of a Spanish Excel file', () => {
  let importId: string;
  let existingId: string;

  it('uploads a Windows-1252 `;` file and answers a draft with the reading, the mapping and a preview', async () => {
    const existing = await ws.req('POST', '/v1/contacts', { firstName: 'Existente', email: 'existente@example.es', company: 'Old Co' });
    existingId = existing.body.id;
    const { content } = spanishFile('existente@example.es');
    const res = await upload(ws, 'clientes.csv', content);
    expect(res.status, res.text).toBe(201);
    importId = res.body.id;
    expect(res.headers.location).toBe(`/v1/imports/${importId}`);
    expect(res.body).toMatchObject({ status: 'draft', encoding: 'windows-1252', delimiter: ';', headers: SPANISH_HEADERS, fileName: 'clientes.csv', sizeBytes: content.length });
    expect(res.body.mapping.slice(0, 5)).toEqual([
      { kind: 'field', field: 'firstName' }, { kind: 'field', field: 'lastName' }, { kind: 'field', field: 'email' },
      { kind: 'field', field: 'phone' }, { kind: 'field', field: 'company' },
    ]);
    expect(res.body.progress.estimatedRows).toBe(9);
    const [first] = res.body.preview;
    expect(first).toMatchObject({ row: 1, line: 2, contact: { firstName: 'Lucía', lastName: 'García López', email: 'lucia@example.es', company: 'Acme Iberia' } });
    expect(first.values[6]).toBe('Llamar por la mañana\r\nsegunda línea; con punto y coma');
    expect(res.body.preview[1]).toMatchObject({ row: 2, line: 4 });
  });

  it('takes a changed mapping (a consent column) and refuses one that does not fit the file', async () => {
    const draft = (await ws.req('GET', `/v1/imports/${importId}`)).body;
    const mapping = [...draft.mapping];
    mapping[5] = { kind: 'consent', consent: 'marketingEmail' };
    const bad = await ws.req('PATCH', `/v1/imports/${importId}`, { mapping: mapping.slice(1) });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ pointer: '/mapping', code: 'mapping_length' });
    const res = await ws.req('PATCH', `/v1/imports/${importId}`, { mapping });
    expect(res.status, res.text).toBe(200);
    expect(res.body.mapping[5]).toEqual({ kind: 'consent', consent: 'marketingEmail' });
    expect(res.body.preview[0].contact.consents).toEqual({ marketingEmail: true });
  });

  it('dry-runs with the counts the real run then gives, writing nothing', async () => {
    const before = Number((await t.database.raw('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [ws.id])).rows[0]!.n);
    const res = await ws.req('POST', `/v1/imports/${importId}/dry-run`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('draft');
    const dry = res.body.dryRun;
    expect(dry.rows).toBe(9);
    expect(dry.counts).toEqual({ created: 6, updated: 2, unchanged: 0, failed: 1, conflict: 0, notApplied: 0 });
    expect(dry.samples.problems).toEqual([expect.objectContaining({ row: 7, line: 9, column: 'Correo electrónico' })]);
    expect(Number((await t.database.raw('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [ws.id])).rows[0]!.n)).toBe(before);
    expect(Number((await t.database.raw('SELECT count(*) AS n FROM import_rows WHERE workspace_id = $1', [ws.id])).rows[0]!.n)).toBe(0);

    const done = await runImport(ws, importId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toEqual(dry.counts);
    expect(done.progress).toMatchObject({ rowsDone: 9, totalRows: 9, etaSeconds: 0 });
    expect(sumCounts(done.counts)).toBe(9);
    expect(done.errorsCsv).toBe(`/v1/imports/${importId}/errors.csv`);
  });

  it('wrote the contacts with source csv, both surnames, E.164 phones, the consent, and updated the existing one', async () => {
    const rows = await contactsOf(ws, `import:${importId}`);
    expect(rows.map((r) => r.email)).toEqual(['anna@example.de', 'jm@example.es', 'john@example.co.uk', 'lucia@example.es', 'maria@example.pt', 'pierre@example.fr']);
    expect(rows.every((r) => r.source === 'csv')).toBe(true);
    const by = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(by['jm@example.es']).toMatchObject({ first_name: 'José María', last_name: 'Fernández Núñez', phone: '+34699111222', company: 'Núñez y Cía', marketing_email: false });
    expect(by['lucia@example.es']).toMatchObject({ last_name: 'García López', phone: '+34612345678', company: 'Acme Iberia SL', marketing_email: true });
    expect(by['pierre@example.fr']!.phone).toBe('+33612345678');
    expect(by['anna@example.de']!.phone).toBe('+4915123456789');
    expect(by['john@example.co.uk']!.phone).toBe('+447911123456');
    expect(by['maria@example.pt']!.phone).toBe('+351912345678');
    const existing = await ws.req('GET', `/v1/contacts/${existingId}`);
    expect(existing.body).toMatchObject({ company: 'Nueva Empresa', lastName: 'Ibáñez Ortega', source: 'api' });
    const outcomes = (await t.database.raw('SELECT row_number, status FROM import_rows WHERE workspace_id = $1 AND import_id = $2 ORDER BY row_number', [ws.id, importId])).rows;
    expect(outcomes.map((r) => `${r.row_number}:${r.status}`)).toEqual(['1:created', '2:created', '3:created', '4:created', '5:created', '6:created', '7:error', '8:updated', '9:updated']);
  });

  it('gives the failed rows as a CSV to fix: original columns, row, line, column, code, message; formula-safe, BOM', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/imports/${importId}/errors.csv`, headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('clientes-errors.csv');
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(raw.toString('utf8').slice(1), { delimiter: ';' }) as string[][];
    expect(records[0]).toEqual([...SPANISH_HEADERS, 'row', 'line', 'column', 'code', 'message']);
    expect(records).toHaveLength(2);
    const [row] = records.slice(1);
    expect(row!.slice(0, 5)).toEqual(['Malo', 'Peña', 'esto-no-es-un-email', '', '\'=HYPERLINK("http://x")']);
    expect(row!.slice(7, 10)).toEqual(['7', '9', 'Correo electrónico']);
    expect(row![10]).toBeTruthy();
    expect(raw.toString('utf8')).toContain('\r\n');
  });

  it('lists imports and refuses a second start', async () => {
    const list = await ws.req('GET', '/v1/imports');
    expect(list.status).toBe(200);
    expect(list.body.data.map((i: { id: string }) => i.id)).toContain(importId);
    const again = await ws.req('POST', `/v1/imports/${importId}/start`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('import_already_started');
  });

  it('rolls back: created contacts to the trash, updated fields restored, a contact edited since refused with the reason', async () => {
    const rows = await contactsOf(ws, `import:${importId}`);
    const edited = rows.find((r) => r.email === 'anna@example.de')!;
    expect((await ws.req('PATCH', `/v1/contacts/${edited.id}`, { company: 'Cambiado a mano' })).status).toBe(200);
    const res = await ws.req('POST', `/v1/imports/${importId}/rollback`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('rolled_back');
    expect(res.body.rollback).toMatchObject({ removed: 5, restored: 2, refused: 1 });
    expect(res.body.rollback.refusals).toEqual([expect.objectContaining({ contactId: edited.id, code: 'changed_since_import', row: 4 })]);
    const after = await contactsOf(ws, `import:${importId}`);
    expect(after.filter((r) => r.deleted_at === null).map((r) => r.email)).toEqual(['anna@example.de']);
    expect((await ws.req('GET', `/v1/contacts/${existingId}`)).body.company).toBe('Old Co');
    const again = await ws.req('POST', `/v1/imports/${importId}/rollback`);
    expect(again.status).toBe(200);
    expect(again.body.rollback).toMatchObject({ removed: 5, restored: 2, refused: 1 });
  });
});

describe('partial and atomic mode', () => {
  it('partial applies the valid rows; atomic with a bad row applies none and still reports it', async () => {
    const file = plainFile(30, 'mode-p', new Set([17]));
    const partial = await upload(ws, 'p.csv', file);
    expect(partial.status, partial.text).toBe(201);
    const p = await runImport(ws, partial.body.id);
    expect(p).toMatchObject({ status: 'succeeded', counts: { created: 29, failed: 1 } });

    const atomicFile = plainFile(30, 'mode-a', new Set([17]));
    const atomic = await upload(ws, 'a.csv', atomicFile, { mode: 'atomic' });
    expect(atomic.status, atomic.text).toBe(201);
    expect(atomic.body.options.mode).toBe('atomic');
    const a = await runImport(ws, atomic.body.id);
    expect(a.status).toBe('failed');
    expect(a.error.code).toBe('atomic_rows_failed');
    expect(a.counts).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 1, conflict: 0, notApplied: 29 });
    expect(Number((await t.database.raw(`SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND email LIKE 'mode-a%'`, [ws.id])).rows[0]!.n)).toBe(0);
    const errors = await t.app.inject({ method: 'GET', url: `/v1/imports/${atomic.body.id}/errors.csv`, headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(errors.body).toContain('not-an-email');

    const good = await upload(ws, 'a2.csv', plainFile(10, 'mode-b'), { mode: 'atomic' });
    const g = await runImport(ws, good.body.id);
    expect(g).toMatchObject({ status: 'succeeded', counts: { created: 10, failed: 0 } });
  });
});

describe('upload rules', () => {
  it('the same Idempotency-Key does not make a second import', async () => {
    const file = plainFile(3, 'idem');
    const first = await upload(ws, 'i.csv', file, {}, { 'idempotency-key': 'import-idem-1' });
    expect(first.status, first.text).toBe(201);
    const second = await upload(ws, 'i.csv', file, {}, { 'idempotency-key': 'import-idem-1' });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const n = (await t.database.raw(`SELECT count(*) AS n FROM imports WHERE workspace_id = $1 AND sha256 = $2`, [ws.id, first.body.id ? (await t.database.raw('SELECT sha256 FROM imports WHERE id = $1', [first.body.id])).rows[0]!.sha256 : ''])).rows[0]!.n;
    expect(Number(n)).toBe(1);
    const other = await upload(ws, 'i.csv', plainFile(4, 'idem'), {}, { 'idempotency-key': 'import-idem-1' });
    expect(other.status).toBe(422);
  });

  it('refuses a missing file, unknown options and a JSON body with problems that name the field', async () => {
    const f = multipart(null, { mode: 'partial' });
    const none = await t.app.inject({ method: 'POST', url: '/v1/imports', payload: f.payload, headers: { ...f.headers, authorization: `Bearer ${ws.apiKey}` } });
    expect(none.statusCode).toBe(422);
    expect(JSON.parse(none.body).errors[0].pointer).toBe('/file');
    const badMode = await upload(ws, 'x.csv', plainFile(1, 'x'), { mode: 'sometimes' });
    expect(badMode.status).toBe(422);
    expect(badMode.body.errors[0].pointer).toBe('/mode');
    const json = await ws.req('POST', '/v1/imports', { file: 'x' });
    expect(json.status).toBe(415);
    const empty = await upload(ws, 'e.csv', Buffer.from(''));
    expect(empty.status).toBe(422);
  });
});

describe('owner, playbook and stage by name, attributes by label', () => {
  it('maps them per row, reports unknown names on their column, and a rollback still removes a staged contact', async () => {
    const member = await ws.req('POST', '/v1/users', { email: 'vendedora@example.es', name: 'Vendedora', role: 'member' });
    expect(member.status, member.text).toBe(201);
    const playbook = await ws.req('POST', '/v1/playbooks', { name: 'Ventas', stages: [{ name: 'Nuevo' }, { name: 'Ganado', kind: 'won' }] });
    expect(playbook.status, playbook.text).toBe(201);
    const attr = await ws.req('POST', '/v1/contact-attributes', { key: 'segmento', label: 'Segmento', type: 'single_select', options: [{ value: 'pyme', label: 'PYME' }] });
    expect(attr.status, attr.text).toBe(201);
    const file = Buffer.from('Email,Propietario,Embudo,Etapa,Segmento\nowner-a@example.es,VENDEDORA@example.es,ventas,ganado,pyme\nowner-b@example.es,nadie@example.es,,,\nowner-c@example.es,,Ventas,Inexistente,\nowner-d@example.es,,,,Enorme\n');
    const mapping = [{ kind: 'field', field: 'email' }, { kind: 'field', field: 'ownerEmail' }, { kind: 'field', field: 'playbook' }, { kind: 'field', field: 'stage' }, { kind: 'attribute', key: 'segmento' }];
    const up = await upload(ws, 'owners.csv', file, { mapping: JSON.stringify(mapping) });
    expect(up.status, up.text).toBe(201);
    const done = await runImport(ws, up.body.id);
    expect(done.counts).toMatchObject({ created: 1, failed: 3 });
    const rows = (await t.database.raw('SELECT row_number, status, column_name, code, contact_id FROM import_rows WHERE workspace_id = $1 AND import_id = $2 ORDER BY row_number', [ws.id, up.body.id])).rows;
    expect(rows.map((r) => [r.row_number, r.status, r.column_name, r.code])).toEqual([
      [1, 'created', null, null], [2, 'error', 'Propietario', 'unknown_user'], [3, 'error', 'Etapa', 'unknown_stage'], [4, 'error', 'Segmento', 'unknown_option'],
    ]);
    const contact = (await ws.req('GET', `/v1/contacts/${rows[0]!.contact_id}`)).body;
    expect(contact).toMatchObject({ ownerId: member.body.id, customAttributes: { segmento: 'pyme' }, stage: { playbookId: playbook.body.id, id: playbook.body.stages[1].id } });
    const rolled = await ws.req('POST', `/v1/imports/${up.body.id}/rollback`);
    expect(rolled.body.rollback).toMatchObject({ removed: 1, restored: 0, refused: 0 });
  });
});

describe('a staged file of several batches', () => {
  it('puts every contact in its stage with one history row and event per move, batch after batch, and keeps the board counts', async () => {
    const w = await t.workspace();
    const playbook = await w.req('POST', '/v1/playbooks', { name: 'Embudo', stages: [{ name: 'Nuevo' }, { name: 'Contactado' }, { name: 'Ganado', kind: 'won' }] });
    expect(playbook.status, playbook.text).toBe(201);
    const stageIds: string[] = playbook.body.stages.map((s: { id: string }) => s.id);
    const names = ['Nuevo', 'Contactado', ''];
    // 2,500 rows: three batches (pipelined on PostgreSQL), a third of them without a stage.
    const lines = Array.from({ length: 2500 }, (_, i) => `etapa${i}@example.es,${names[i % 3]}`);
    const first = await upload(w, 'etapas.csv', Buffer.from(`Email,Etapa\n${lines.join('\n')}\n`));
    expect(first.status, first.text).toBe(201);
    expect((await runImport(w, first.body.id)).counts).toMatchObject({ created: 2500, failed: 0 });
    // The same contacts again, the first 1,200 moved on to "Ganado": updates whose stage moves.
    const again = Array.from({ length: 1200 }, (_, i) => `etapa${i}@example.es,Ganado`);
    const second = await upload(w, 'ganados.csv', Buffer.from(`Email,Etapa\n${again.join('\n')}\n`));
    expect(second.status, second.text).toBe(201);
    expect((await runImport(w, second.body.id)).counts).toMatchObject({ failed: 0, conflict: 0 });

    const { rows: staged } = await t.database.raw(`SELECT stage_id, count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL GROUP BY stage_id`, [w.id]);
    const byStage = new Map(staged.map((r) => [r.stage_id as string | null, Number(r.n)]));
    // Rows 0–1199 are won; of 1200–2499, i % 3 = 0 are new, 1 contacted, 2 unstaged.
    const rest = Array.from({ length: 1300 }, (_, k) => (k + 1200) % 3);
    expect(byStage.get(stageIds[2]!)).toBe(1200);
    expect(byStage.get(stageIds[0]!)).toBe(rest.filter((m) => m === 0).length);
    expect(byStage.get(stageIds[1]!)).toBe(rest.filter((m) => m === 1).length);
    expect(byStage.get(null)).toBe(rest.filter((m) => m === 2).length);
    const board = await w.req('GET', `/v1/playbooks/${playbook.body.id}/board?limit=1`);
    expect(board.body.columns.map((c: { count: number }) => c.count)).toEqual(stageIds.map((id) => byStage.get(id) ?? 0));
    // One history row and one event per move: the first import puts 1,667 contacts in a stage (the
    // rows with one), the second moves all 1,200 (none of them was won yet).
    const moves = (await t.database.raw(`SELECT count(*)::int AS n FROM contact_stage_history WHERE workspace_id = $1`, [w.id])).rows[0]!.n;
    const events = (await t.database.raw(`SELECT count(*)::int AS n FROM contact_events WHERE workspace_id = $1 AND type = 'contact.stage_changed'`, [w.id])).rows[0]!.n;
    const firstMoves = Array.from({ length: 2500 }, (_, i) => i % 3 !== 2).filter(Boolean).length;
    expect(Number(moves)).toBe(firstMoves + 1200);
    expect(Number(events)).toBe(Number(moves));
    const twice = (await w.req('GET', `/v1/contacts/${(await t.database.raw(`SELECT id FROM contacts WHERE workspace_id = $1 AND email = 'etapa0@example.es'`, [w.id])).rows[0]!.id}/stage-history`)).body.data;
    expect(twice.map((h: { to: { stageId: string } }) => h.to.stageId)).toEqual([stageIds[0], stageIds[2]]);
  });
});

describe('duplicates inside the file', () => {
  it('`report` gives a later row with an email or phone seen earlier as a conflict, never a second contact', async () => {
    const file = Buffer.from('Email,Phone,Company\ndup-a@example.com,,A1\ndup-b@example.com,611222333,B\nDUP-A@example.com,,A2\ndup-c@example.com,+34 611 222 333,C\n');
    const up = await upload(ws, 'dups.csv', file, { duplicates: 'report' });
    expect(up.status, up.text).toBe(201);
    const dry = (await ws.req('POST', `/v1/imports/${up.body.id}/dry-run`)).body.dryRun;
    const done = await runImport(ws, up.body.id);
    expect(done.counts).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 0, conflict: 2, notApplied: 0 });
    expect(dry.counts).toEqual(done.counts);
    const rows = (await t.database.raw('SELECT row_number, status, code FROM import_rows WHERE workspace_id = $1 AND import_id = $2 ORDER BY row_number', [ws.id, up.body.id])).rows;
    expect(rows.map((r) => `${r.row_number}:${r.status}:${r.code ?? ''}`)).toEqual(['1:created:', '2:created:', '3:conflict:duplicate_in_file', '4:conflict:duplicate_in_file']);
    expect((await contactsOf(ws, `import:${up.body.id}`)).map((r) => r.company)).toEqual(['A1', 'B']);
  });
});

/**
 * On PostgreSQL a partial import applies two batches at once and commits them in file order
 * (import-jobs' pipelined run). Rows of neighbouring batches that meet — the same email in two
 * batches, one existing contact matched by its email in one batch and by its phone in the next —
 * must end exactly as one batch at a time would leave them: later rows win, nothing twice. On the
 * embedded database the same file runs one batch at a time and must give the same answer.
 */
describe('a partial import of several batches', { timeout: 300_000 }, () => {
  const ROWS = 3_600;
  it('applies rows that meet across batches in file order, each exactly once', async () => {
    const tag = uuidv7().slice(-8);
    const existingEmail = `existente.${tag}@example.es`;
    const existing = await ws.req('POST', '/v1/contacts', { firstName: 'Existente', email: existingEmail, phone: '+34611000001', company: 'Antes' });
    expect(existing.status, existing.text).toBe(201);

    const emailOf = (i: number) => `p${i}.${tag}@example.com`;
    let text = 'Nombre,Correo electrónico,Teléfono,Empresa\n';
    for (let i = 1; i <= ROWS; i++) {
      if (i === 1_500) text += `Repetida,${emailOf(10)},,Fila 1500\n`; // row 10's email, next batch: updates that contact
      else if (i === 1_200) text += `Existente,${existingEmail},,Fila 1200\n`; // the existing contact by email
      else if (i === 2_300) text += `Existente,,611 000 001,Fila 2300\n`; // the same contact by its phone, a batch later
      else text += `Nombre${i},${emailOf(i)},,Empresa ${i}\n`;
    }
    const up = await upload(ws, 'pipeline.csv', Buffer.from(text), { matchBy: 'email,phone' });
    expect(up.status, up.text).toBe(201);
    const id = up.body.id as string;
    const done = await runImport(ws, id);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toEqual({ created: ROWS - 3, updated: 3, unchanged: 0, failed: 0, conflict: 0, notApplied: 0 });
    expect(done.progress).toMatchObject({ rowsDone: ROWS, totalRows: ROWS });

    const one = async (q: string, params: unknown[]) => (await t.database.raw(q, params)).rows[0]!;
    expect(await one('SELECT count(*)::int AS n, count(DISTINCT row_number)::int AS rows FROM import_rows WHERE workspace_id = $1 AND import_id = $2', [ws.id, id]))
      .toEqual({ n: ROWS, rows: ROWS });
    expect(await one(`SELECT count(*)::int AS n, count(DISTINCT email)::int AS emails FROM contacts WHERE workspace_id = $1 AND source_detail = $2`, [ws.id, `import:${id}`]))
      .toEqual({ n: ROWS - 3, emails: ROWS - 3 });
    // Later rows win: row 2300 (by phone) after row 1200 (by email) on the existing contact; row 1500 on row 10's contact.
    expect(await one('SELECT company, first_name FROM contacts WHERE workspace_id = $1 AND id = $2', [ws.id, existing.body.id])).toEqual({ company: 'Fila 2300', first_name: 'Existente' });
    expect(await one('SELECT company, first_name FROM contacts WHERE workspace_id = $1 AND email = $2', [ws.id, emailOf(10)])).toEqual({ company: 'Fila 1500', first_name: 'Repetida' });
    // The existing contact's history has both updates, once each.
    expect(await one(`SELECT count(*)::int AS n FROM contact_events WHERE workspace_id = $1 AND contact_id = $2 AND type = 'contact.updated'`, [ws.id, existing.body.id])).toEqual({ n: 2 });
    expect(await one('SELECT count(*)::int AS n FROM contact_identifiers WHERE workspace_id = $1 AND contact_id = $2', [ws.id, existing.body.id])).toEqual({ n: 2 });
  });
});
