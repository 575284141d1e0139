import type { Logger } from 'pino';
import type { Deps } from './deps.ts';
import { purgeExpiredIdempotencyKeys } from './lib/http/idempotency.ts';
import { startOutboxRelay } from './lib/jobs/outbox-relay.ts';
import { startQueue, type JobWorker } from './lib/jobs/queue.ts';
import { EMAIL_DELIVERY_TOPIC } from './communications/emails.service.ts';
import { WHATSAPP_DELIVERY_TOPIC } from './communications/whatsapp.service.ts';
import { makeBulkService, BULK_TOPIC } from './bulk/bulk.service.ts';

/** Job handlers by topic. Features add theirs here; a topic without a handler is only declared. */
export function jobHandlers(deps: Deps): Record<string, JobWorker | undefined> {
  const { delivery } = deps.services;
  const bulk = makeBulkService(deps);
  return {
    // Consumed by CRM sync and outbound webhooks once they exist.
    'contact.changed': undefined,
    [WHATSAPP_DELIVERY_TOPIC]: { run: (p) => delivery.deliverWhatsapp(p), giveUp: (p) => delivery.failWhatsapp(p) },
    [EMAIL_DELIVERY_TOPIC]: { run: (p) => delivery.deliverEmail(p), giveUp: (p) => delivery.failEmail(p) },
    [BULK_TOPIC]: { run: (p) => bulk.run(p.workspaceId, String(p.jobId)), giveUp: (p) => bulk.abandon(p.workspaceId, String(p.jobId)) },
  };
}

/** Starts the job queue, its handlers, the outbox relay and housekeeping. */
export async function startWorkers(deps: Deps, logger: Logger) {
  const queue = await startQueue(deps.database, { databaseUrl: deps.config.databaseUrl, logger });
  for (const [topic, handler] of Object.entries(jobHandlers(deps))) await queue.register(topic, handler);
  const relay = startOutboxRelay(deps.database, queue, logger);
  // Hourly housekeeping: expired idempotency keys, and document files no row points at.
  const purge = setInterval(() => {
    purgeExpiredIdempotencyKeys(deps.database, deps.clock.now()).catch((err) => logger.error({ err }, 'idempotency purge failed'));
    deps.services.documents.sweepOrphanFiles().catch((err) => logger.error({ err }, 'document sweep failed'));
  }, 60 * 60 * 1000);
  purge.unref();
  return {
    queue,
    relay,
    async stop() {
      clearInterval(purge);
      relay.stop();
      await queue.stop();
    },
  };
}
