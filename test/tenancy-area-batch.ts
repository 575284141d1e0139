import type { TenancyArea } from './tenancy-areas.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
type Body = any;

/**
 * Every result of a batch answer has one of these statuses (and, for `error`, this problem code).
 * Writes by A's earlier probes may already hold B's identifiers in A (uniqueness is per
 * workspace), so a create may meet A's own contact; that B's is never met is the leak check of
 * every probe (no B id in the answer) and the unchanged snapshot of B.
 */
const allResults = (statuses: string[], n: number, code?: string) => (body: Body) => {
  const results: { status: string; problem?: { code: string } }[] = body?.results ?? [];
  if (results.length !== n) return `expected ${n} results, got ${JSON.stringify(body)}`;
  const bad = results.find((r) => !statuses.includes(r.status) || (code && r.problem?.code !== code));
  return bad ? `expected results ${statuses.join('|')}${code ? ` ${code}` : ''}, got ${JSON.stringify(bad)}` : null;
};

/** Both workspaces seed a contact with this email: uniqueness is per workspace. */
const SEED_EMAIL = 'batch-seed@example.com';

/** Tenancy fixtures of the batch area (see tenancy-areas.ts). */
export const batchArea: TenancyArea = {
  async seed(_t, ws) {
    const res = await ws.req('POST', '/v1/contacts/batch/create', { items: [{ firstName: 'Batch', email: SEED_EMAIL }] });
    const id = res.body?.results?.[0]?.contactId as string | undefined;
    if (res.status !== 200 || !id) throw new Error(`seeding: batch create answered ${res.status} ${res.text}`);
    return { batchContactId: id };
  },
  fixtures: {
    'POST /v1/contacts/batch/create': {
      why: 'Identifiers are unique per workspace: A creating with an email B also holds creates A\'s own contact (a conflict would tell A that B has it); B\'s user as owner is a per-item error at that field.',
      probes: (_a, b) => [
        { url: '/v1/contacts/batch/create', body: { items: [{ email: b.contact2Email }, { email: SEED_EMAIL }] }, status: 200, check: allResults(['created', 'conflict'], 2) },
        { url: '/v1/contacts/batch/create', body: { items: [{ email: 'owned-batch@example.com', ownerId: b.userId }] }, status: 200, check: (body: Body) => (body?.results?.[0]?.problem?.errors?.[0]?.pointer === '/items/0/ownerId' ? null : `expected an error at /items/0/ownerId, got ${JSON.stringify(body)}`) },
      ],
    },
    'POST /v1/contacts/batch/upsert': {
      why: 'Matching looks in A\'s workspace only: B\'s email matches nothing of B\'s: A gets (or updates) its own contact, and B\'s is unchanged.',
      probes: (_a, b) => [
        { url: '/v1/contacts/batch/upsert', body: { matchBy: ['email', 'phone'], items: [{ email: b.contact2Email, company: 'upserted' }, { email: SEED_EMAIL, company: 'upserted' }] }, status: 200, check: allResults(['created', 'updated', 'unchanged'], 2) },
      ],
    },
    'POST /v1/contacts/batch/update': {
      why: 'B\'s ids (live, trashed, batch-made) are a per-item not_found, exactly as ids that do not exist; B\'s contacts are unchanged.',
      probes: (_a, b) => [
        { url: '/v1/contacts/batch/update', body: { items: [{ id: b.contactId, company: 'hijack' }, { id: b.trashedContactId, company: 'hijack' }, { id: b.extra.batchContactId, company: 'hijack', version: 1 }] }, status: 200, check: allResults(['error'], 3, 'not_found') },
      ],
    },
    'POST /v1/contacts/batch/read': {
      why: 'B\'s ids are a per-item not_found, exactly as ids that do not exist; A\'s own id in the same call is found.',
      probes: (a, b) => [
        {
          url: '/v1/contacts/batch/read',
          body: { ids: [b.contactId, b.trashedContactId, b.extra.batchContactId, a.contactId] },
          status: 200,
          mustInclude: [a.contactId],
          check: (body: Body) => {
            const r = body?.results ?? [];
            const ok = r.length === 4 && r.slice(0, 3).every((x: Body) => x.status === 'error' && x.problem?.code === 'not_found' && !x.contact) && r[3].status === 'found';
            return ok ? null : `expected B's ids not_found and A's found, got ${JSON.stringify(r.map((x: Body) => [x.status, x.problem?.code]))}`;
          },
        },
      ],
    },
  },
};
