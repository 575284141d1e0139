import { metaSignature } from '../src/integrations/signatures.ts';
import { INTEGRATION_EVENTS_TOPIC } from '../src/integrations/integrations.service.ts';
import type { TenancyArea } from './tenancy-areas.ts';
import { BY_ID, list, nf } from './tenancy-probes.ts';

const integration = (name: string) => ({
  provider: 'whatsapp',
  name,
  settings: { phoneNumberId: '106540352242922', wabaId: '102290129340398', verifyToken: `verify-${name}` },
  secrets: { appSecret: `secret-${name}`, accessToken: `token-${name}` },
});

/** Tenancy fixtures of the integrations area (see tenancy-areas.ts). */
export const integrationsArea: TenancyArea = {
  /** A WhatsApp integration and one stored (unprocessed) webhook event, made through the API and the signed hook. */
  async seed(t, ws) {
    const made = await ws.req('POST', '/v1/integrations', integration(ws.id));
    if (made.status !== 201) throw new Error(`seed integration: ${made.status} ${made.text}`);
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '106540352242922' }, messages: [{ from: '34612000111', id: `wamid.SEED${ws.id}`, timestamp: '1767225600', type: 'text', text: { body: 'canary' } }] } }] }],
    });
    const hook = await t.app.inject({ method: 'POST', url: made.body.webhookUrl, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(`secret-${ws.id}`, body) }, payload: body });
    if (hook.statusCode !== 200) throw new Error(`seed webhook: ${hook.statusCode} ${hook.body}`);
    const events = await ws.req('GET', `/v1/integrations/${made.body.id}/events`);
    return { integrationId: made.body.id, integrationEventId: events.body.data[0].id };
  },
  fixtures: {
    'POST /v1/integrations': { why: "Creates in A only; B's integrations are not consulted.", probes: (a) => [{ url: '/v1/integrations', body: integration(`probe-${a.ws.id}`), status: 201 }] },
    'GET /v1/integrations': { why: "A list: A's integrations, none of B's (nor their secrets).", probes: (a) => [list('/v1/integrations', [a.extra.integrationId!])] },
    'GET /v1/integrations/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/integrations/${b.extra.integrationId}`)] },
    'PATCH /v1/integrations/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/integrations/${b.extra.integrationId}`, { name: 'taken over', secrets: { appSecret: 'mine' } }, 'PATCH')] },
    'DELETE /v1/integrations/:id': { why: BY_ID, probes: (_a, b) => [nf(`/v1/integrations/${b.extra.integrationId}`, undefined, 'DELETE')] },
    'GET /v1/integrations/:id/events': {
      why: "B's integration is a 404, not an empty log; A's log shows A's events only.",
      probes: (a, b) => [nf(`/v1/integrations/${b.extra.integrationId}/events`), list(`/v1/integrations/${a.extra.integrationId}/events`, [a.extra.integrationEventId!])],
    },
    'POST /v1/integrations/:id/events/:eventId/replay': {
      why: "Replaying B's event, under B's integration or under A's own, is a 404; nothing is re-queued for B.",
      probes: (a, b) => [
        nf(`/v1/integrations/${b.extra.integrationId}/events/${b.extra.integrationEventId}/replay`, undefined, 'POST'),
        nf(`/v1/integrations/${a.extra.integrationId}/events/${b.extra.integrationEventId}/replay`, undefined, 'POST'),
      ],
    },
    'POST /v1/integrations/:id/sync-templates': { why: BY_ID, probes: (_a, b) => [nf(`/v1/integrations/${b.extra.integrationId}/sync-templates`, undefined, 'POST')] },
  },
  jobs: {
    [INTEGRATION_EVENTS_TOPIC]: {
      why: "A's event job naming B's integration and stored event: nothing is processed, B's event stays received.",
      payload: (b) => ({ integrationId: b.extra.integrationId, eventIds: [b.extra.integrationEventId] }),
    },
  },
};
