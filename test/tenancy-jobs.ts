import { ATTRIBUTE_INDEX_TOPIC } from '../src/attributes/attributes.service.ts';
import { BULK_TOPIC } from '../src/bulk/bulk.service.ts';
import { EMAIL_DELIVERY_TOPIC } from '../src/communications/emails.service.ts';
import { WHATSAPP_DELIVERY_TOPIC } from '../src/communications/whatsapp.service.ts';
import { inWorkspace } from '../src/lib/tenant-scope.ts';
import { jobHandlers } from '../src/workers.ts';
import type { TestApp } from './harness.ts';
import { AREAS, type JobFixture } from './tenancy-areas.ts';
import type { Seeded } from './tenancy-seed.ts';

/**
 * Job handlers are a way in that no HTTP route shows: a payload names ids, and the worker runs
 * them for the payload's workspace. For every topic with a handler, the payload of workspace A
 * names B's queued object; both `run` and `giveUp` must leave it untouched (the row snapshot
 * taken after proves it). A topic without a fixture fails the test, like a route.
 */
const CORE_JOB_FIXTURES: Record<string, JobFixture> = {
  [WHATSAPP_DELIVERY_TOPIC]: { why: "A's delivery job naming B's queued message: nothing is sent, B's message stays queued.", payload: (b) => ({ messageId: b.queuedWhatsappId, contactId: b.contactId }) },
  [EMAIL_DELIVERY_TOPIC]: { why: "A's delivery job naming B's queued email: nothing is sent, B's email stays queued.", payload: (b) => ({ messageId: b.queuedEmailId, contactId: b.contactId }) },
  [BULK_TOPIC]: { why: "A's bulk job naming B's queued job: B's job stays queued and its contact unchanged.", payload: (b) => ({ jobId: b.queuedJobId }) },
  // The per-key index serves every workspace using the key and changes no row: nothing of B's to touch.
  [ATTRIBUTE_INDEX_TOPIC]: { why: "A's index job for a key: at most an index is built; B's rows stay as they were.", payload: () => ({ key: 'tenancy_probe' }) },
};

/** The core's job fixtures, and each feature area's own. */
export const JOB_FIXTURES: Record<string, JobFixture> = Object.assign({}, CORE_JOB_FIXTURES, ...AREAS.map((area) => area.jobs ?? {}));

/** Topics that have a handler (declared-only topics run nothing). */
export const handledTopics = (t: TestApp): string[] =>
  Object.entries(jobHandlers(t.deps)).filter(([, h]) => h).map(([topic]) => topic);

/**
 * Runs each handler as the queue does (inside A's workspace scope) with B's ids, then its
 * give-up path. Returns how many handler calls were made; what they did is judged by B's snapshot.
 */
export async function runJobProbes(t: TestApp, a: Seeded, b: Seeded): Promise<number> {
  const handlers = jobHandlers(t.deps);
  let calls = 0;
  for (const topic of handledTopics(t)) {
    const fixture = JOB_FIXTURES[topic];
    const handler = handlers[topic];
    if (!fixture || !handler) continue;
    const payload = { workspaceId: a.ws.id, ...fixture.payload(b) };
    // A handler may fail closed by throwing (the queue would retry, then give up): both are fine, as long as B is untouched.
    await inWorkspace(a.ws.id, () => handler.run(payload, { id: `tenancy-${topic}`, retryCount: 0, lastAttempt: true })).catch(() => undefined);
    calls++;
    if (handler.giveUp) {
      await inWorkspace(a.ws.id, () => handler.giveUp!(payload, new Error('tenancy probe'))).catch(() => undefined);
      calls++;
    }
  }
  return calls;
}
