import type { TenancyArea } from './tenancy-areas.ts';

/** Tenancy fixtures of the notifications area added after the core list (see tenancy-areas.ts). */
export const notificationsArea: TenancyArea = {
  fixtures: {
    'POST /v1/notifications/read-all': {
      why: "Marks only what A's caller sees: naming B's contact marks nothing (B's notification stays unread, as the snapshot shows), and the answer is the same as for a contact with none.",
      probes: (a, b) => [
        { url: '/v1/notifications/read-all', body: { contactId: b.contactId }, status: 200, check: (body: { marked: number }) => (body.marked === 0 ? null : `marked ${body.marked} of B's`) },
        { url: '/v1/notifications/read-all', body: {}, status: 200 },
      ],
    },
  },
};
