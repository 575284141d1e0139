import { createHash } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { Connection } from '../integrations/integrations.service.ts';
import { openImap } from './imap-fetch.ts';

/**
 * New mail without waiting for the next poll: one IMAP session per mailbox waits in IDLE on INBOX
 * (where the server offers IDLE) and calls `onNewMail` when the server announces a message. The
 * poll stays the safety net (and still reads the Sent folder): a watcher that drops is started
 * again at the next poll. Each watched mailbox holds a connection, so a process watches at most
 * `max` of them and polls the rest only.
 */
export type Mailbox = { workspaceId: string; id: string };
type Watcher = { fingerprint: string; client: ImapFlow; closed: boolean };

/** What a watcher depends on: a change of host, login or password opens a new session. */
const fingerprintOf = (c: Connection) => createHash('sha256').update(JSON.stringify([c.settings, c.secrets])).digest('hex');

export function makeIdleWatchers(opts: {
  max: number;
  allowPrivateHosts: boolean;
  connection: (m: Mailbox) => Promise<Connection | undefined>;
  onNewMail: (m: Mailbox) => void;
}) {
  const watchers = new Map<string, Watcher>();

  async function start(m: Mailbox, connection: Connection): Promise<void> {
    const client = await openImap(connection, opts.allowPrivateHosts, { idle: true });
    if (!client.capabilities.has('IDLE')) {
      // Without IDLE, imapflow would poll with NOOP: the minute poll does that job already.
      await client.logout().catch(() => client.close());
      return;
    }
    const watcher: Watcher = { fingerprint: fingerprintOf(connection), client, closed: false };
    client.on('close', () => {
      watcher.closed = true;
      if (watchers.get(m.id) === watcher) watchers.delete(m.id);
    });
    client.on('exists', (d: { count: number; prevCount: number }) => {
      if (d.count > d.prevCount) opts.onNewMail(m);
    });
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
    } catch (err) {
      await client.logout().catch(() => client.close());
      throw err;
    }
    watchers.set(m.id, watcher);
    // Mail that came between the last read and this session is found by a read now.
    opts.onNewMail(m);
  }

  async function stop(id: string): Promise<void> {
    const w = watchers.get(id);
    if (!w) return;
    watchers.delete(id);
    await w.client.logout().catch(() => w.client.close());
  }

  return {
    /**
     * Watches these mailboxes (up to `max`) and stops watching any other. A mailbox whose settings
     * changed gets a new session; one that cannot connect is left to the poll, which reports why.
     */
    async watchOnly(mailboxes: Mailbox[]): Promise<void> {
      const wanted = new Set(mailboxes.map((m) => m.id));
      for (const id of [...watchers.keys()]) if (!wanted.has(id)) await stop(id);
      for (const m of mailboxes) {
        const connection = await opts.connection(m);
        if (!connection) continue;
        const current = watchers.get(m.id);
        if (current && current.fingerprint === fingerprintOf(connection) && !current.closed) continue;
        if (current) await stop(m.id);
        if (watchers.size >= opts.max) continue;
        await start(m, connection).catch(() => undefined);
      }
    },
    watching: (): string[] => [...watchers.keys()],
    async stopAll(): Promise<void> {
      for (const id of [...watchers.keys()]) await stop(id);
    },
  };
}
