import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-docs-'));
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let contactId: string;
beforeAll(async () => {
  t = await startTestApp({ config: { dataDir, documentMaxBytes: 4096 } });
  ws = await t.workspace();
  other = await t.workspace();
  contactId = (await ws.req('POST', '/v1/contacts', { email: 'docs@example.com' })).body.id;
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
const zipWith = (entry: string) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from(`[Content_Types].xml${entry}document.xml`)]);

function form(file: { field?: string; name: string; type: string; content: Buffer } | null) {
  const boundary = 'vixieesBoundary7MA4YWxk';
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`)];
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(w: TestWorkspace, contact: string, file: Parameters<typeof form>[0], headers: Record<string, string> = {}) {
  const f = form(file);
  const res = await t.app.inject({ method: 'POST', url: `/v1/contacts/${contact}/documents`, payload: f.payload, headers: { ...f.headers, ...headers, authorization: `Bearer ${w.apiKey}` } });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body) };
}

const storedFiles = (workspaceId: string): string[] => {
  const dir = join(dataDir, 'documents', workspaceId);
  return existsSync(dir) ? readdirSync(dir) : [];
};
const rowCount = async () => Number((await t.database.raw('SELECT count(*)::int AS n FROM documents WHERE workspace_id = $1', [ws.id])).rows[0]!.n);

describe('documents API', () => {
  it('uploads, lists, downloads, renames and deletes a file', async () => {
    const up = await upload(ws, contactId, { name: 'Presupuesto año.pdf', type: 'application/pdf', content: PDF });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ contactId, name: 'Presupuesto año.pdf', contentType: 'application/pdf', sizeBytes: PDF.length, version: 1 });
    expect(up.headers.location).toBe(`/v1/documents/${up.body.id}`);
    expect(readFileSync(join(dataDir, 'documents', ws.id, up.body.id))).toEqual(PDF);

    expect((await ws.req('GET', `/v1/contacts/${contactId}/documents`)).body.data[0]).toEqual(up.body);
    const dl = await t.app.inject({ method: 'GET', url: up.body.contentUrl, headers: { authorization: `Bearer ${ws.apiKey}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload).toEqual(PDF);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="Presupuesto a_o.pdf"; filename*=UTF-8''Presupuesto%20a%C3%B1o.pdf`);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');

    const renamed = await ws.req('PATCH', `/v1/documents/${up.body.id}`, { name: '../../etc/passwd' }, { 'if-match': '"1"' });
    expect(renamed.body).toMatchObject({ name: 'passwd', version: 2 });
    expect((await ws.req('PATCH', `/v1/documents/${up.body.id}`, { sizeBytes: 1 })).status).toBe(422);

    expect((await ws.req('DELETE', `/v1/documents/${up.body.id}`)).status).toBe(204);
    expect((await ws.req('GET', `/v1/documents/${up.body.id}`)).status).toBe(404);
    expect(storedFiles(ws.id)).not.toContain(up.body.id);
  });

  it.each([
    ['a.pdf', 'application/pdf', PDF],
    ['a.png', 'image/png', PNG],
    ['a.jpg', 'image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ['a.gif', 'image/gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['a.webp', 'image/webp', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['a.txt', 'text/plain; charset=utf-8', Buffer.from('Hola, ¿qué tal?\n')],
    ['a.csv', 'text/csv', Buffer.from('name,phone\r\nAna,+34612345678\r\n')],
    ['a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', zipWith('word/')],
    ['a.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', zipWith('xl/')],
  ])('accepts %s as %s', async (name, type, content) => {
    const up = await upload(ws, contactId, { name, type, content });
    expect(up.status).toBe(201);
    expect(up.body.contentType).toBe(type.split(';')[0]);
  });

  it.each([
    ['too large', { name: 'big.png', type: 'image/png', content: Buffer.concat([PNG, Buffer.alloc(5000)]) }, 413, 'payload_too_large', 'too_large'],
    ['forbidden type', { name: 'x.html', type: 'text/html', content: Buffer.from('<script>alert(1)</script>') }, 415, 'document_type_not_allowed', 'type_not_allowed'],
    ['executable', { name: 'x.exe', type: 'application/x-msdownload', content: Buffer.from('MZ\x90\x00', 'latin1') }, 415, 'document_type_not_allowed', 'type_not_allowed'],
    ['PDF declared as PNG', { name: 'x.png', type: 'image/png', content: PDF }, 422, 'document_content_mismatch', 'content_mismatch'],
    ['binary declared as text', { name: 'x.txt', type: 'text/plain', content: Buffer.from([0x4d, 0x5a, 0x00, 0x01, 0xff]) }, 422, 'document_content_mismatch', 'content_mismatch'],
    ['a zip that is no docx', { name: 'x.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: zipWith('other/') }, 422, 'document_content_mismatch', 'content_mismatch'],
    ['empty file', { name: 'x.txt', type: 'text/plain', content: Buffer.alloc(0) }, 422, 'document_content_mismatch', 'content_mismatch'],
  ])('refuses a %s with a problem at /file, leaving no row and no file', async (_label, file, status, code, fieldCode) => {
    const rowsBefore = await rowCount();
    const filesBefore = storedFiles(ws.id).length;
    const res = await upload(ws, contactId, file);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code, errors: [{ pointer: '/file', code: fieldCode }] });
    expect(await rowCount()).toBe(rowsBefore);
    expect(storedFiles(ws.id)).toHaveLength(filesBefore);
    expect(storedFiles(ws.id).filter((f) => f.startsWith('.upload-'))).toEqual([]);
  });

  it('honours Idempotency-Key: the same file replays, another file with the same key is refused', async () => {
    const key = { 'idempotency-key': `upload-${Date.now()}` };
    const first = await upload(ws, contactId, { name: 'a.png', type: 'image/png', content: PNG }, key);
    expect(first.status).toBe(201);
    const rows = await rowCount();
    const again = await upload(ws, contactId, { name: 'a.png', type: 'image/png', content: PNG }, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const different = await upload(ws, contactId, { name: 'a.png', type: 'image/png', content: Buffer.concat([PNG, Buffer.from([1])]) }, key);
    expect(different.status).toBe(422);
    expect(different.body.code).toBe('idempotency_key_reused');
    expect(await rowCount()).toBe(rows);
  });

  it('asks for multipart and for the file field', async () => {
    const json = await ws.req('POST', `/v1/contacts/${contactId}/documents`, { name: 'x' });
    expect(json.status).toBe(415);
    const none = await upload(ws, contactId, null);
    expect(none.status).toBe(422);
    expect(none.body.errors[0]).toMatchObject({ pointer: '/file', code: 'required' });
  });

  it('keeps documents of a trashed contact readable and refuses new ones', async () => {
    const c = (await ws.req('POST', '/v1/contacts', { email: 'trashdocs@example.com' })).body.id;
    const doc = (await upload(ws, c, { name: 'a.png', type: 'image/png', content: PNG })).body;
    await ws.req('DELETE', `/v1/contacts/${c}`);
    expect((await ws.req('GET', `/v1/documents/${doc.id}`)).status).toBe(200);
    expect((await ws.req('GET', `/v1/contacts/${c}/documents`)).body.data).toHaveLength(1);
    const filesBefore = storedFiles(ws.id).length;
    expect((await upload(ws, c, { name: 'b.png', type: 'image/png', content: PNG })).status).toBe(404);
    expect(storedFiles(ws.id)).toHaveLength(filesBefore);
  });

  it('accepts files past the JSON body limit up to the document limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vixiees-docs-big-'));
    const t2 = await startTestApp({ config: { dataDir: dir, bodyLimitBytes: 1024 * 1024, documentMaxBytes: 3 * 1024 * 1024 } });
    try {
      const w = await t2.workspace();
      const c = (await w.req('POST', '/v1/contacts', { email: 'big@example.com' })).body.id;
      const content = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024, 1)]);
      const f = form({ name: 'big.png', type: 'image/png', content });
      const res = await t2.app.inject({ method: 'POST', url: `/v1/contacts/${c}/documents`, payload: f.payload, headers: { ...f.headers, authorization: `Bearer ${w.apiKey}` } });
      expect(res.statusCode).toBe(201);
      expect(JSON.parse(res.body).sizeBytes).toBe(content.length);
    } finally {
      await t2.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no row when the storage cannot write', async () => {
    const blocked = mkdtempSync(join(tmpdir(), 'vixiees-docs-blocked-'));
    writeFileSync(join(blocked, 'documents'), 'a file where the folder should be');
    const t2 = await startTestApp({ config: { dataDir: blocked } });
    try {
      const w = await t2.workspace();
      const c = (await w.req('POST', '/v1/contacts', { email: 'fail@example.com' })).body.id;
      const f = form({ name: 'a.png', type: 'image/png', content: PNG });
      const res = await t2.app.inject({ method: 'POST', url: `/v1/contacts/${c}/documents`, payload: f.payload, headers: { ...f.headers, authorization: `Bearer ${w.apiKey}` } });
      expect(res.statusCode).toBe(500);
      expect((await w.req('GET', `/v1/contacts/${c}/documents`)).body.data).toEqual([]);
    } finally {
      await t2.close();
      rmSync(blocked, { recursive: true, force: true });
    }
  });

  it('answers 404 to another workspace on every document route', async () => {
    const doc = (await upload(ws, contactId, { name: 'mine.png', type: 'image/png', content: PNG })).body;
    expect((await upload(other, contactId, { name: 'theirs.png', type: 'image/png', content: PNG })).status).toBe(404);
    expect(storedFiles(other.id)).toEqual([]);
    expect((await other.req('GET', `/v1/contacts/${contactId}/documents`)).status).toBe(404);
    expect((await other.req('GET', `/v1/documents/${doc.id}`)).status).toBe(404);
    expect((await other.req('GET', `/v1/documents/${doc.id}/content`)).status).toBe(404);
    expect((await other.req('PATCH', `/v1/documents/${doc.id}`, { name: 'hijack' })).status).toBe(404);
    expect((await other.req('DELETE', `/v1/documents/${doc.id}`)).status).toBe(404);
    expect(storedFiles(ws.id)).toContain(doc.id);
  });
});
