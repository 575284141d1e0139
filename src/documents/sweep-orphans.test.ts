import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';
import { uuidv7 } from '../lib/ids.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-sweep-'));
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

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const folder = () => join(dataDir, 'documents', ws.id);
const twoHoursAgo = () => new Date(Date.now() - 2 * 60 * 60 * 1000);

describe('document orphan sweep', () => {
  it('removes old files no document points at, and keeps documents and recent files', async () => {
    const contactId = (await ws.req('POST', '/v1/contacts', { email: 'sweep@example.com' })).body.id;
    const boundary = 'sweepBoundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await t.app.inject({ method: 'POST', url: `/v1/contacts/${contactId}/documents`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${ws.apiKey}` } });
    expect(res.statusCode).toBe(201);
    const kept = JSON.parse(res.body).id as string;

    // As left by a crash: an old orphan and a fresh one (an upload still committing).
    mkdirSync(folder(), { recursive: true });
    const oldOrphan = uuidv7();
    const freshOrphan = uuidv7();
    writeFileSync(join(folder(), oldOrphan), 'lost bytes');
    writeFileSync(join(folder(), freshOrphan), 'bytes of an upload in flight');
    utimesSync(join(folder(), oldOrphan), twoHoursAgo(), twoHoursAgo());
    utimesSync(join(folder(), kept), twoHoursAgo(), twoHoursAgo());

    expect(await t.deps.services.documents.sweepOrphanFiles()).toBe(1);
    expect(readdirSync(folder()).sort()).toEqual([kept, freshOrphan].sort());
    expect((await ws.req('GET', `/v1/documents/${kept}/content`)).status).toBe(200);
  });
});
