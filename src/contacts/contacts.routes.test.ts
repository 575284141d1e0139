import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestWorkspace } from '../../test/harness.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await startTestApp();
  ws = await t.workspace();
});
afterAll(() => t.close());

describe('contacts API', () => {
  it('creates a contact with a national phone stored in E.164 and the domain lower-cased', async () => {
    const res = await ws.req('POST', '/v1/contacts', { firstName: ' José ', lastName: 'García López', phone: '612 34 56 78', email: 'Jose@Example.COM' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ firstName: 'José', lastName: 'García López', phone: '+34612345678', email: 'Jose@example.com', source: 'api', version: 1 });
    expect(res.headers.location).toBe(`/v1/contacts/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
  });
});
