import { floorId } from '../src/live/live.service.ts';
import type { TenancyArea } from './tenancy-areas.ts';

const LIVE_WHY =
  "The live event stream is a list of the workspace's changes: resumed from an hour back it replays A's contacts being created and nothing of B's, " +
  "whatever position it is asked to resume from (an id is a place in time, not a key into another workspace's outbox). Probed as a poll (no Accept: text/event-stream), which ends; " +
  'src/live/live.test.ts holds a followed stream over a real socket to the same rule.';

/** Tenancy fixtures of the live events area (see tenancy-areas.ts). */
export const liveArea: TenancyArea = {
  fixtures: {
    'GET /v1/events/stream': {
      why: LIVE_WHY,
      probes: (a) => {
        const hourAgo = floorId(Date.now() - 3600_000);
        return [
          { url: `/v1/events/stream?lastEventId=${hourAgo}`, status: 200, mustInclude: [a.contactId, a.contact2Id] },
          { url: '/v1/events/stream', headers: { 'last-event-id': hourAgo }, status: 200, mustInclude: [a.contactId] },
          { url: '/v1/events/stream', status: 200 },
        ];
      },
    },
  },
};
