// Types only: imapflow (and socks, libmime under it) loads on the first IMAP session, not at start-up.
import type { ImapFlow } from 'imapflow';
import type { Connection, ProviderEvent } from '../integrations/integrations.service.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { imapOf, resolveMailHost } from './mail-hosts.ts';
import * as repo from './mailboxes.repo.ts';
import { parseMime } from './mime.ts';
import type { MailEvent } from './record-email.ts';

/** Messages fetched per folder and run; the rest come next run (a first sync of a big mailbox goes in steps). */
const BATCH = 200;

export type FetchDeps = { db: Db; clock: Clock; allowPrivateHosts: boolean };

/**
 * A session that waits in IDLE: it enters IDLE a second after each command and restarts it every
 * 10 minutes (RFC 2177: before the server's 30-minute limit); its socket may stay quiet longer
 * than a fetching session's.
 */
const IDLING = { disableAutoIdle: false, autoIdleDelay: 1000, maxIdleTime: 10 * 60_000, socketTimeout: 15 * 60_000 };

/** Opens an authenticated IMAP session with the mailbox's settings (`idle`: one that waits for new mail). */
export async function openImap(connection: Connection, allowPrivateHosts: boolean, opts: { idle?: boolean } = {}): Promise<ImapFlow> {
  const s = imapOf(connection);
  const address = await resolveMailHost(s.host, allowPrivateHosts);
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: address,
    port: s.port,
    secure: s.tls === 'tls',
    servername: s.host,
    auth: { user: s.user, pass: s.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 120_000,
    ...(opts.idle ? IDLING : {}),
  });
  // A dropped connection is reported here as well as to the pending command; unhandled, it would end the process.
  client.on('error', () => {});
  await client.connect();
  if (s.tls === 'starttls' && !client.secureConnection) {
    await client.logout().catch(() => {});
    throw new Error(`${s.host} did not offer STARTTLS; set tls to none only for a server on your own network`);
  }
  return client;
}

/** The folders read: INBOX (mail in) and the Sent folder (replies sent from any client). */
async function foldersOf(client: ImapFlow, connection: Connection): Promise<{ path: string; direction: MailEvent['direction'] }[]> {
  const list = await client.list();
  const sent = connection.settings.sentFolder ?? list.find((f) => f.specialUse === '\\Sent')?.path;
  return [{ path: 'INBOX', direction: 'inbound' }, ...(sent && sent.toUpperCase() !== 'INBOX' ? [{ path: sent, direction: 'outbound' as const }] : [])];
}

/**
 * Reads what is new in each folder since the last run (UIDs above the last one seen under the
 * folder's UIDVALIDITY; a new UIDVALIDITY reads the folder again from the start) and hands the
 * parsed messages to `store`, which keeps each Message-ID once. The position moves on only after
 * `store` returned, so a crash means a refetch, never a loss; the refetch stores nothing twice.
 */
export async function fetchNew(deps: FetchDeps, connection: Connection, store: (events: ProviderEvent[]) => Promise<unknown>): Promise<{ fetched: number }> {
  const { db, clock } = deps;
  const { workspaceId, id: integrationId } = connection;
  const own = (connection.settings.address ?? '').toLowerCase();
  const client = await openImap(connection, deps.allowPrivateHosts);
  let fetched = 0;
  try {
    for (const folder of await foldersOf(client, connection)) {
      const lock = await client.getMailboxLock(folder.path, { readOnly: true });
      try {
        const box = client.mailbox;
        if (!box) continue;
        const uidValidity = Number(box.uidValidity);
        const state = await repo.findFolder(db, workspaceId, integrationId, folder.path);
        const after = state && state.uidValidity === uidValidity ? state.lastUid : 0;
        if (!state || state.uidValidity !== uidValidity) await repo.saveFolder(db, { workspaceId, integrationId, folder: folder.path, uidValidity, lastUid: 0, syncedAt: clock.now() });
        if (box.exists === 0 || (box.uidNext && Number(box.uidNext) <= after + 1)) continue;
        const uids = ((await client.search({ uid: `${after + 1}:*` }, { uid: true })) || []).filter((u) => u > after).sort((a, b) => a - b).slice(0, BATCH);
        if (!uids.length) continue;
        const events: ProviderEvent[] = [];
        for (const msg of await client.fetchAll(uids.join(','), { uid: true, source: true }, { uid: true })) {
          if (!msg.source) continue;
          let mail;
          try {
            mail = await parseMime(msg.source);
          } catch (err) {
            events.push({ key: `unparsable:${folder.path}:${uidValidity}:${msg.uid}`, kind: 'email.unparsable', payload: { folder: folder.path, uid: msg.uid }, failed: `the message could not be parsed: ${(err as Error).message}` });
            continue;
          }
          // Mail the mailbox sent to itself, or copied into INBOX by a client, goes the way its sender says.
          const direction = folder.direction === 'inbound' && mail.from?.address.toLowerCase() === own ? 'outbound' : folder.direction;
          const event: MailEvent = { direction, folder: folder.path, mail };
          events.push({ key: mail.messageId, kind: `email.${direction}`, payload: event });
        }
        if (events.length) await store(events);
        fetched += events.length;
        await repo.saveFolder(db, { workspaceId, integrationId, folder: folder.path, uidValidity, lastUid: uids[uids.length - 1]!, syncedAt: clock.now() });
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { fetched };
}
