import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { uuidv7 } from '../lib/ids.ts';
import { makeImportsService } from './imports.service.ts';
import { multipart } from './import-fixtures.test-helpers.ts';

/**
 * On PostgreSQL a partial import applies two batches at once and commits them in file order
 * (import-jobs' pipelined run). Rows of neighbouring batches that meet — the same email in two
 * batches, one existing contact matched by its email in one batch and by its phone in the next —
 * must end exactly as one batch at a time would leave them: later rows win, nothing twice. On the
 * embedded database the same file runs one batch at a time and must give the same answer.
 */
const ROWS = 3_600;
const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-import-pipeline-'));
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

describe('a partial import of several batches', { timeout: 300_000 }, () => {
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
    const f = multipart({ name: 'pipeline.csv', content: Buffer.from(text) }, { matchBy: 'email,phone' });
    const up = await t.app.inject({ method: 'POST', url: '/v1/imports', payload: f.payload, headers: { ...f.headers, authorization: `Bearer ${ws.apiKey}` } });
    expect(up.statusCode, up.body).toBe(201);
    const id = JSON.parse(up.body).id as string;
    expect((await ws.req('POST', `/v1/imports/${id}/start`)).status).toBe(202);
    await makeImportsService(t.deps).run(ws.id, id);

    const done = (await ws.req('GET', `/v1/imports/${id}`)).body;
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
