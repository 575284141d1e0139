import type { Logger } from 'pino';
import type { Deps } from './deps.ts';
import { purgeExpiredIdempotencyKeys } from './lib/http/idempotency.ts';
import { purgePublishedOutbox, startOutboxRelay } from './lib/jobs/outbox-relay.ts';
import { startQueue, type JobWorker, type QueueOptions } from './lib/jobs/queue.ts';
import { startJobWorkerHeartbeat } from './lib/jobs/worker-heartbeat.ts';
import { EMAIL_DELIVERY_TOPIC } from './communications/emails.service.ts';
import { WHATSAPP_DELIVERY_TOPIC } from './communications/whatsapp.service.ts';
import { makeBulkService, BULK_TOPIC } from './bulk/bulk.service.ts';
import { importJobWorker, IMPORT_TOPIC } from './imports/import-worker.ts';
import { ATTRIBUTE_INDEX_TOPIC, buildAttributeIndex } from './attributes/attributes.service.ts';
import { INTEGRATION_EVENTS_TOPIC } from './integrations/integrations.service.ts';
import { CONTACT_ATTENTION_TOPIC } from './attention/attention.service.ts';

/**
 * Job handlers by topic. Features add theirs here. A topic listed with no handler is declared
 * but consumed by nobody yet: the outbox relay marks its rows published without enqueuing a job.
 */
export function jobHandlers(deps: Deps): Record<string, JobWorker | undefined> {
  const { delivery } = deps.services;
  const bulk = makeBulkService(deps);
  return {
    // Consumed by CRM sync and outbound webhooks once they exist.
    'contact.changed': undefined,
    // Read by live event streams straight from the outbox (src/live), never as a job.
    [CONTACT_ATTENTION_TOPIC]: undefined,
    [WHATSAPP_DELIVERY_TOPIC]: { run: (p) => delivery.deliverWhatsapp(p), giveUp: (p) => delivery.failWhatsapp(p) },
    [EMAIL_DELIVERY_TOPIC]: { run: (p) => delivery.deliverEmail(p), giveUp: (p) => delivery.failEmail(p) },
    [BULK_TOPIC]: { run: (p) => bulk.run(p.workspaceId, String(p.jobId)), giveUp: (p) => bulk.abandon(p.workspaceId, String(p.jobId)) },
    [IMPORT_TOPIC]: importJobWorker(deps),
    // DDL on the owner role, outside any transaction; a failed build is retried (rebuilt if left invalid).
    [ATTRIBUTE_INDEX_TOPIC]: { run: (p) => buildAttributeIndex(deps.database.systemDb, p) },
    // Webhook events stored by /v1/hooks/…: processed into contacts and messages, retried with back-off.
    [INTEGRATION_EVENTS_TOPIC]: {
      run: (p) => deps.services.integrations.process(p),
      runMany: (ps) => deps.services.integrations.processMany(ps),
      giveUp: (p) => deps.services.integrations.giveUp(p),
    },
  };
}

/** Queue settings that differ from the defaults. */
const queueOptions: Record<string, QueueOptions> = {
  // A bulk job over a whole workspace can run for hours; a dead worker's is found by the heartbeat.
  [BULK_TOPIC]: { expireInSeconds: 23 * 3600 },
  [IMPORT_TOPIC]: { expireInSeconds: 23 * 3600 },
  // One job per group commit of webhooks (1 to ~20 events): a backlog is applied 64 jobs at a time.
  [INTEGRATION_EVENTS_TOPIC]: { batchSize: 64 },
};

/** Housekeeping across workspaces: expired idempotency keys, old published outbox rows, orphan files. */
function housekeeping(deps: Deps, logger: Logger) {
  const now = deps.clock.now();
  purgeExpiredIdempotencyKeys(deps.database, now).catch((err) => logger.error({ err }, 'idempotency purge failed'));
  purgePublishedOutbox(deps.database, now).catch((err) => logger.error({ err }, 'outbox purge failed'));
  deps.services.documents.sweepOrphanFiles().catch((err) => logger.error({ err }, 'document sweep failed'));
}

/**
 * Starts the job queue and its handlers, resumes jobs whose worker died (at once on the embedded
 * database, where this process is the only one), then the outbox relay and hourly housekeeping.
 */
export async function startWorkers(deps: Deps, logger: Logger) {
  const queue = await startQueue(deps.database, { databaseUrl: deps.config.databaseUrl, logger });
  const handlers = jobHandlers(deps);
  for (const [topic, handler] of Object.entries(handlers)) await queue.register(topic, handler, queueOptions[topic]);
  const heartbeat = await startJobWorkerHeartbeat(deps.database, queue, logger, { exclusive: deps.database.kind === 'pglite' });
  const unconsumedTopics = Object.entries(handlers).filter(([, h]) => !h).map(([topic]) => topic);
  const relay = startOutboxRelay(deps.database, queue, logger, { unconsumedTopics });
  // The team's mailboxes: new mail read every minute into their integrations' event logs.
  const mailPoll = deps.services.mailboxes.startPolling(60 * 1000, (err) => logger.error({ err }, 'mailbox poll failed'));
  // Hourly, and once a minute after start, so a process restarted often still purges.
  const first = setTimeout(() => housekeeping(deps, logger), 60 * 1000);
  const purge = setInterval(() => housekeeping(deps, logger), 60 * 60 * 1000);
  first.unref();
  purge.unref();
  return {
    queue,
    relay,
    heartbeat,
    async stop() {
      clearTimeout(first);
      clearInterval(purge);
      relay.stop();
      await mailPoll.stop();
      await queue.stop();
      await heartbeat.stop();
    },
  };
}
