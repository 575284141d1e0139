import type { TenancyArea } from './tenancy-areas.ts';
import { nf, refused } from './tenancy-probes.ts';

const EXPORT_WHY =
  "An export is a list: A's contacts only (live, and the trash with includeDeleted), whatever B id the filter names; B's saved views (shared or private) are 404 like views that do not exist; " +
  "a column for an attribute only B defines is as unknown as one nobody defines (422 at the column), so A cannot probe B's schema. No new objects: B's seeded views and contacts suffice.";

/** Tenancy fixtures of the exports area (see tenancy-areas.ts). */
export const exportsArea: TenancyArea = {
  fixtures: {
    'GET /v1/contacts/export': {
      why: EXPORT_WHY,
      probes: (a, b) => [
        { url: '/v1/contacts/export', status: 200, mustInclude: [a.contactId, a.contact2Id] },
        { url: `/v1/contacts/export?viewId=${a.sharedViewId}`, status: 200 },
        nf(`/v1/contacts/export?viewId=${b.sharedViewId}`),
        nf(`/v1/contacts/export?viewId=${b.privateViewId}`),
        { url: `/v1/contacts/export?columns=id,attr.${b.soloAttributeKey}`, status: 422, code: 'validation_failed' },
      ],
    },
    'POST /v1/contacts/export': {
      why: EXPORT_WHY,
      probes: (a, b) => [
        { url: '/v1/contacts/export', body: { includeDeleted: true }, status: 200, mustInclude: [a.contactId, a.contact2Id, a.trashedContactId] },
        { url: '/v1/contacts/export', body: { filter: { field: 'id', op: 'eq', value: b.contactId } }, status: 200 },
        { url: '/v1/contacts/export', body: { filter: { field: 'ownerId', op: 'eq', value: b.userId } }, status: 200 },
        { url: '/v1/contacts/export', body: { search: b.contactEmail }, status: 200 },
        nf('/v1/contacts/export', { viewId: b.sharedViewId }),
        nf('/v1/contacts/export', { viewId: b.privateViewId }),
        refused('/v1/contacts/export', { columns: ['id', `attr.${b.soloAttributeKey}`] }, '/columns/1'),
      ],
    },
  },
};
