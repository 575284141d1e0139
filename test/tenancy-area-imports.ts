import type { TenancyArea } from './tenancy-areas.ts';
import { multipartFile } from './tenancy-seed.ts';
import { BY_ID, nf } from './tenancy-probes.ts';
import { IMPORT_TOPIC } from '../src/imports/imports.service.ts';

const csv = (canary: string) => Buffer.from(`Nombre;Correo electrónico\nImport ${canary};import-${canary}@example.com\n`);

/** Tenancy fixtures of the imports area (see tenancy-areas.ts). */
export const importsArea: TenancyArea = {
  /** Two imports of the workspace: a draft, and one queued (started, its job not yet run). */
  seed: async (t, ws, seeded) => {
    const upload = async () => {
      const file = multipartFile({ name: `clientes-${seeded.canary}.csv`, type: 'text/csv', content: csv(seeded.canary) });
      const res = await t.app.inject({ method: 'POST', url: '/v1/imports', payload: file.payload, headers: { 'content-type': file.contentType, authorization: `Bearer ${ws.apiKey}` } });
      if (res.statusCode !== 201) throw new Error(`seeding import: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body).id as string;
    };
    const importDraftId = await upload();
    const importQueuedId = await upload();
    const started = await ws.req('POST', `/v1/imports/${importQueuedId}/start`);
    if (started.status !== 202) throw new Error(`seeding import start: ${started.status} ${started.text.slice(0, 300)}`);
    return { importDraftId, importQueuedId };
  },
  fixtures: {
    'POST /v1/imports': {
      why: 'Creates an import of A; B\'s file name and content are A\'s own data here, and B\'s imports stay as they were.',
      probes: () => [{ url: '/v1/imports', file: { name: 'a.csv', type: 'text/csv', content: Buffer.from('Email\nprobe-import@example.com\n') }, status: 201 }],
    },
    'GET /v1/imports': { why: 'A list: A\'s imports only.', probes: (a) => [{ url: '/v1/imports?limit=100', status: 200, mustInclude: [a.extra.importDraftId!, a.extra.importQueuedId!] }] },
    'GET /v1/imports/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importDraftId}`), nf(`/v1/imports/${b.extra.importQueuedId}`)] },
    'PATCH /v1/imports/:id': { why: `${BY_ID} B's draft keeps its options.`, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importDraftId}`, { mode: 'atomic' })] },
    'POST /v1/imports/:id/dry-run': { why: `${BY_ID} Nothing of B's file is read or applied.`, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importDraftId}/dry-run`)] },
    'POST /v1/imports/:id/start': { why: `${BY_ID} B's draft stays a draft.`, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importDraftId}/start`)] },
    'POST /v1/imports/:id/rollback': { why: `${BY_ID} B's contacts stay.`, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importQueuedId}/rollback`)] },
    'GET /v1/imports/:id/errors.csv': { why: `${BY_ID} No row of B's file is shown.`, probes: (_a, b) => [nf(`/v1/imports/${b.extra.importQueuedId}/errors.csv`)] },
  },
  jobs: {
    [IMPORT_TOPIC]: { why: "A's import job naming B's queued import: B's import stays queued, nothing of its file is applied.", payload: (b) => ({ importId: b.extra.importQueuedId }) },
  },
};
