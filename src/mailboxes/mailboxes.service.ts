import type { DeliveryResult, OutboundEmail } from '../communications/delivery.ts';
import type { EmailsService } from '../communications/emails.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { PermanentEventError, type IntegrationsService, type ProviderAdapter } from '../integrations/integrations.service.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { mailgunInboundProvider, sendgridInboundProvider } from './forwarded-mail.ts';
import { fetchNew } from './imap-fetch.ts';
import { makeIdleWatchers } from './imap-idle.ts';
import { makeEmailRecorder, type MailEvent } from './record-email.ts';
import { sendOverSmtp } from './smtp-send.ts';

export const MAILBOX_PROVIDER = 'email_mailbox' as const;

/** Mailboxes one process watches with IDLE (one open connection each); the others are only polled. */
const IDLE_MAX = 100;

export type MailboxesDeps = {
  db: Db;
  clock: Clock;
  /** Lets a mailbox's host resolve to a private or loopback address (own-network servers, tests). */
  allowPrivateHosts: boolean;
  services: () => { contacts: Pick<ContactsService, 'findByIdentifier' | 'create'>; emails: Pick<EmailsService, 'create'>; integrations: IntegrationsService };
};

/** What a failed IMAP session says, in words an admin can act on. */
function describe(err: unknown): string {
  const e = err as { authenticationFailed?: boolean; responseText?: string; code?: string; message?: string };
  if (e?.authenticationFailed) return `IMAP login refused: ${e.responseText ?? 'wrong username or password'}`;
  const detail = [e?.code, e?.responseText ?? e?.message].filter(Boolean).join(': ');
  return `IMAP: ${detail || String(err)}`.slice(0, 1000);
}

const isMailEvent = (p: unknown): p is MailEvent => {
  const e = p as MailEvent;
  return !!e && (e.direction === 'inbound' || e.direction === 'outbound') && !!e.mail && typeof e.mail.messageId === 'string' && Array.isArray(e.mail.to);
};

/**
 * The team's own mailboxes as an integration provider: a poller reads each mailbox's new mail
 * into the integration's event log (one event per Message-ID), the integrations job records each
 * event as an email of the contact, and mail sent from Vixiees leaves over the mailbox's SMTP.
 */
export function makeMailboxesService(deps: MailboxesDeps) {
  const { db, clock, allowPrivateHosts } = deps;
  const integrations = () => deps.services().integrations;
  const record = makeEmailRecorder({
    db,
    clock,
    contacts: { findByIdentifier: (...a) => deps.services().contacts.findByIdentifier(...a), create: (...a) => deps.services().contacts.create(...a) },
    emails: { create: (...a) => deps.services().emails.create(...a) },
  });

  const provider: ProviderAdapter = {
    // A mailbox is read by the poller, never posted to: its webhook URL accepts nothing.
    verify: () => false,
    split: () => [],
    async process(connection, event) {
      if (!isMailEvent(event.payload)) throw new PermanentEventError('the event is not an email');
      return record(connection, event.payload);
    },
  };

  /** Reads one mailbox's new mail into its event log; a failure shows in the integration's status and nowhere else. */
  async function sync(job: { workspaceId: string; integrationId: string; lastError?: string | null }): Promise<{ fetched: number } | { error: string }> {
    const { workspaceId, integrationId } = job;
    return inWorkspace(workspaceId, async () => {
      const connection = await integrations().connection(workspaceId, integrationId);
      if (!connection || connection.provider !== MAILBOX_PROVIDER) return { error: 'no such mailbox' };
      try {
        const result = await fetchNew({ db, clock, allowPrivateHosts }, connection, (events) => integrations().submit(MAILBOX_PROVIDER, integrationId, () => events));
        if (job.lastError !== null) await integrations().noteError(workspaceId, integrationId, null);
        return result;
      } catch (err) {
        const error = describe(err);
        await integrations().noteError(workspaceId, integrationId, error);
        return { error };
      }
    });
  }

  /**
   * Reads a mailbox now, or, when a read of it is already running (the poll and an IDLE signal,
   * or two signals), once more after it: never two reads of one mailbox at once.
   */
  const reading = new Map<string, Promise<unknown>>();
  const readAgain = new Set<string>();
  function syncSoon(job: { workspaceId: string; integrationId: string; lastError?: string | null }): Promise<unknown> {
    const running = reading.get(job.integrationId);
    if (running) {
      readAgain.add(job.integrationId);
      return running;
    }
    const run = (async () => {
      let lastError = job.lastError;
      do {
        readAgain.delete(job.integrationId);
        const r = await sync({ ...job, lastError });
        lastError = 'error' in r ? r.error : null;
      } while (readAgain.has(job.integrationId));
    })().finally(() => reading.delete(job.integrationId));
    reading.set(job.integrationId, run);
    return run;
  }

  const idle = makeIdleWatchers({
    max: IDLE_MAX,
    allowPrivateHosts,
    connection: (m) => inWorkspace(m.workspaceId, () => integrations().connection(m.workspaceId, m.id)),
    onNewMail: (m) => void syncSoon({ workspaceId: m.workspaceId, integrationId: m.id }).catch(() => undefined),
  });

  /** One pass over every workspace's mailboxes, one after another (the poller's tick); the healthy ones are watched with IDLE. */
  async function pollAll(): Promise<void> {
    const mailboxes = await integrations().allOf(MAILBOX_PROVIDER);
    for (const m of mailboxes) await syncSoon({ workspaceId: m.workspaceId, integrationId: m.id, lastError: m.lastError });
    // Asked again: this pass's reads may have set or cleared an error.
    await idle.watchOnly((await integrations().allOf(MAILBOX_PROVIDER)).filter((m) => !m.lastError));
  }

  return {
    provider,
    /** Mail forwarded as raw MIME by SendGrid Inbound Parse and Mailgun routes, recorded as a mailbox's is. */
    forwardProviders: { sendgrid_inbound: sendgridInboundProvider(record), mailgun_inbound: mailgunInboundProvider(record, () => clock.now()) },
    sync,
    pollAll,

    /** Mailboxes watched with IDLE (pollAll keeps the set; a test names its own mailboxes). */
    idle,
    /** Settles when no read started by the poll or by IDLE is running. */
    whenRead: async (): Promise<void> => {
      await Promise.all(reading.values());
    },

    /**
     * Polls now and then every `everyMs` (no overlap: a slow pass delays the next). Each pass also
     * keeps the healthy mailboxes watched with IDLE where their server offers it (at most IDLE_MAX
     * per process: each holds a connection), so new mail comes in without waiting for the poll.
     */
    startPolling(everyMs: number, onError: (err: unknown) => void): { stop(): Promise<void> } {
      let running: Promise<void> | undefined;
      let stopped = false;
      const tick = () => {
        if (!stopped) running ??= pollAll().catch(onError).finally(() => (running = undefined));
      };
      const timer = setInterval(tick, everyMs);
      timer.unref();
      tick();
      return {
        async stop() {
          stopped = true;
          clearInterval(timer);
          await running;
          await idle.stopAll();
          await Promise.all(reading.values());
        },
      };
    },

    /** For delivery: the workspace's mailbox sends it, or undefined when it has none (the recording adapter then does). */
    async send(message: OutboundEmail): Promise<DeliveryResult | undefined> {
      const connection = await integrations().connectionFor(message.workspaceId, MAILBOX_PROVIDER);
      if (!connection) return undefined;
      try {
        return await sendOverSmtp({ db, clock, allowPrivateHosts }, connection, message);
      } catch (err) {
        // Shown in the mailbox's status too, where the admin who can fix a password looks.
        await integrations().noteError(connection.workspaceId, connection.id, `SMTP: ${(err as Error).message}`.slice(0, 1000));
        throw err;
      }
    },
  };
}

export type MailboxesService = ReturnType<typeof makeMailboxesService>;
