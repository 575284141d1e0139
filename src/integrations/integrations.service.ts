import { requireRole, type Actor } from '../lib/actor.ts';
import { checkVersion } from '../lib/authorship.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../lib/db.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordOutbox } from '../lib/jobs/outbox.ts';
import type { JobPayload } from '../lib/jobs/queue.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { applyBatch } from './batch-apply.ts';
import { INTEGRATION_EVENTS_TOPIC, makeEventStore, type ProviderEvent } from './event-store.ts';
import * as repo from './integrations.repo.ts';
import type { EventListQuery, Integration, IntegrationCreate, IntegrationEvent, IntegrationUpdate } from './integrations.schema.ts';
import type { IntegrationEventRow, IntegrationRow, Provider } from './integrations.tables.ts';
import type { SecretBox } from './secret-box.ts';

export { INTEGRATION_EVENTS_TOPIC, type ProviderEvent } from './event-store.ts';

/** What a provider's code gets to work with: settings and opened secrets (never leave the server). */
export type Connection = { workspaceId: string; id: string; provider: Provider; settings: Record<string, string>; secrets: Record<string, string> };

/** The request line of a webhook delivery, for schemes that sign the URL too (Twilio, Bankflip): method and path with query as received. */
export type HookRequest = { method: string; url: string };

/** A processing failure that no retry can fix (malformed payload): the event is `failed` at once. */
export class PermanentEventError extends Error {}

/** What applying one event came to, for the batched path (`ProviderAdapter.processBatch`). */
export type EventOutcome = { id: string; status: 'processed' | 'failed'; reason: string | null };

/** What each provider plugs in (wired in deps.ts, so this feature imports none of them). */
export type ProviderAdapter = {
  /** Whether the raw body is signed by this integration (constant-time compare, and a fresh timestamp where the scheme has one). */
  verify(connection: Connection, rawBody: Buffer, headers: Record<string, string | string[] | undefined>, request: HookRequest): boolean;
  /** The subscription handshake: the text to echo, or undefined to refuse. */
  handshake?(connection: Connection, query: Record<string, unknown>): string | undefined;
  /** Cuts a verified body into events; a malformed body becomes one event marked failed. */
  split(rawBody: Buffer): ProviderEvent[];
  /** Applies one stored event; returns a note for the log. Throws PermanentEventError or a transient error. */
  process(connection: Connection, event: IntegrationEventRow): Promise<string | null>;
  /**
   * Optional: applies the common events of a job set-based. It runs inside one transaction that
   * every query of `database.db` joins, and the outcomes it returns are written in that same
   * transaction: the events are applied and marked processed together, or not at all. Returns
   * the events it leaves to `process` (one by one, after the batch committed).
   */
  processBatch?(connection: Connection, events: IntegrationEventRow[]): Promise<{ outcomes: EventOutcome[]; rest: IntegrationEventRow[] }>;
};

export type IntegrationsDeps = { db: Db; systemDb: Db; clock: Clock; box: SecretBox; providers: () => Partial<Record<Provider, ProviderAdapter>> };

const ROTATED_SUFFIX = 'Previous';
const HOOK_CACHE_MS = 5_000;
const HOOK_CACHE_MAX = 10_000;

export const webhookPath = (provider: string, id: string) => `/v1/hooks/${provider}/${id}`;

function present(row: IntegrationRow, lastEventAt: Date | undefined): Integration {
  const lastError = row.lastError;
  const connected = row.secretNames.length > 0 && (!lastError || (!!lastEventAt && !!row.lastErrorAt && lastEventAt > row.lastErrorAt));
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    settings: row.settings,
    secretsSet: row.secretNames.filter((n) => !n.endsWith(ROTATED_SUFFIX)),
    webhookUrl: webhookPath(row.provider, row.id),
    status: { connected, lastEventAt: lastEventAt?.toISOString() ?? null, lastError, lastErrorAt: row.lastErrorAt?.toISOString() ?? null },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

export function presentEvent(row: IntegrationEventRow): IntegrationEvent {
  return {
    id: row.id,
    integrationId: row.integrationId,
    eventKey: row.eventKey,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    payload: row.payload,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unknownHook = () => new AppError('integration_not_found', 'No integration at this webhook URL', { status: 404 });

export function makeIntegrationsService(deps: IntegrationsDeps) {
  const { db, systemDb, clock, box } = deps;

  async function getRow(tx: Db, actor: Actor, id: string, lock = false): Promise<IntegrationRow> {
    const row = await repo.findIntegration(tx, actor.workspaceId, id, lock);
    if (!row) throw notFound('Integration', id);
    return row;
  }

  async function presentOne(tx: Db, row: IntegrationRow): Promise<Integration> {
    return present(row, (await repo.lastEventTimes(tx, row.workspaceId, [row.id])).get(row.id));
  }

  const connectionOf = async (row: IntegrationRow): Promise<Connection> => ({
    workspaceId: row.workspaceId,
    id: row.id,
    provider: row.provider,
    settings: row.settings,
    secrets: await box.open(row.secretsSealed),
  });

  /** Providers registered after construction (deps.ts), beside those given in `deps.providers`. */
  const added = new Map<string, ProviderAdapter>();
  const adapterFor = (provider: string): ProviderAdapter | undefined => deps.providers()[provider as Provider] ?? added.get(provider);

  /**
   * Webhook targets seen in the last few seconds, with their opened secrets: a delivery then costs
   * no lookup round trip. A change or removal through this process drops its entry at once; other
   * processes see it within HOOK_CACHE_MS (an event stored meanwhile for a removed integration
   * is never processed: its job finds no integration).
   */
  const hookCache = new Map<string, { row: IntegrationRow; connection: Connection; at: number }>();
  const forget = (id: string) => hookCache.delete(id);

  /** The integration behind a public webhook URL, or a 404 (nothing about other workspaces leaks). */
  async function hookTarget(provider: string, integrationId: string): Promise<{ row: IntegrationRow; adapter: ProviderAdapter; connection: Connection }> {
    const adapter = adapterFor(provider);
    if (!adapter || !UUID_RE.test(integrationId)) throw unknownHook();
    const id = integrationId.toLowerCase();
    const cached = hookCache.get(id);
    if (cached && performance.now() - cached.at < HOOK_CACHE_MS) {
      if (cached.row.provider !== provider) throw unknownHook();
      return { row: cached.row, adapter, connection: cached.connection };
    }
    const row = await repo.findIntegrationAnywhere(systemDb, id);
    if (!row || row.provider !== provider) throw unknownHook();
    const connection = await connectionOf(row);
    if (hookCache.size >= HOOK_CACHE_MAX) hookCache.clear();
    hookCache.set(id, { row, connection, at: performance.now() });
    return { row, adapter, connection };
  }

  const { store } = makeEventStore({ db, clock });
  /** Events of merged jobs applied in one `processJob` (one batch transaction) at most. */
  const MAX_EVENTS_MERGED = 500;

  /**
   * The job: applies the pending events, first those the provider takes as a batch (one
   * transaction for them all), then the others one by one. A permanent failure marks the
   * event `failed` with the reason; a transient one is rethrown after the others ran, so the
   * queue retries (with back-off and jitter) and events already processed are skipped.
   * `oneByOne` skips the batch (the reference path the batch is compared with). Answers how
   * many events went which way, and why a batch was rolled back (for tests and benchmarks).
   */
  async function processJob(payload: JobPayload, opts: { oneByOne?: boolean } = {}): Promise<{ batched: number; oneByOne: number; rolledBack?: string }> {
    const { workspaceId } = payload;
    const integrationId = String(payload.integrationId);
    const eventIds = Array.isArray(payload.eventIds) ? payload.eventIds.map(String) : [];
    const row = await repo.findIntegration(db, workspaceId, integrationId);
    const none = { batched: 0, oneByOne: 0 };
    if (!row) return none;
    const adapter = adapterFor(row.provider);
    if (!adapter) return none;
    const connection = await connectionOf(row);
    let pending = await repo.pendingEvents(db, workspaceId, integrationId, eventIds);
    const all = pending.length;
    let rolledBack: string | undefined;
    if (adapter.processBatch && !opts.oneByOne && pending.length > 0) ({ rest: pending, rolledBack } = await applyBatch({ db, clock }, workspaceId, (events) => adapter.processBatch!(connection, events), pending));
    let transient: unknown;
    for (const event of pending) {
      try {
        const note = await adapter.process(connection, event);
        await repo.setEventOutcome(db, workspaceId, event.id, { status: 'processed', reason: note, processedAt: clock.now() });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (err instanceof PermanentEventError || err instanceof AppError) {
          await repo.setEventOutcome(db, workspaceId, event.id, { status: 'failed', reason, processedAt: clock.now() });
        } else {
          await repo.setEventOutcome(db, workspaceId, event.id, { status: 'received', reason: `will retry: ${reason}`, processedAt: null });
          await repo.noteIntegrationError(db, workspaceId, integrationId, reason, clock.now());
          transient ??= err;
        }
      }
    }
    if (transient) throw transient;
    return { batched: all - pending.length, oneByOne: pending.length, ...(rolledBack ? { rolledBack } : {}) };
  }

  return {
    /** Plugs in one more provider (wired in deps.ts, so this feature imports none of them). */
    addProvider(provider: Provider, adapter: ProviderAdapter): void {
      added.set(provider, adapter);
    },

    /** Connects a provider (admin). Secrets are sealed before they reach the database. */
    async create(actor: Actor, input: IntegrationCreate): Promise<Integration> {
      requireRole(actor, 'admin');
      const now = clock.now();
      const secrets = Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v));
      const row = await repo.insertIntegration(db, {
        workspaceId: actor.workspaceId,
        id: uuidv7(now.getTime()),
        provider: input.provider,
        name: input.name,
        settings: input.settings,
        secretsSealed: await box.seal(secrets),
        secretNames: Object.keys(secrets).sort(),
        createdAt: now,
        updatedAt: now,
      });
      return present(row, undefined);
    },

    async list(actor: Actor): Promise<Integration[]> {
      requireRole(actor, 'admin');
      const rows = await repo.listIntegrations(db, actor.workspaceId);
      const last = await repo.lastEventTimes(db, actor.workspaceId, rows.map((r) => r.id));
      return rows.map((r) => present(r, last.get(r.id)));
    },

    async get(actor: Actor, id: string): Promise<Integration> {
      requireRole(actor, 'admin');
      return presentOne(db, await getRow(db, actor, id));
    },

    /**
     * Changes name, settings or secrets. A new `appSecret` keeps the one it replaces valid for
     * webhooks until the next change, so a rotation on the provider's side loses no delivery.
     */
    async update(actor: Actor, id: string, patch: IntegrationUpdate, opts: { ifMatch?: number } = {}): Promise<Integration> {
      requireRole(actor, 'admin');
      const result = await db.transaction(async (tx) => {
        const current = await getRow(tx, actor, id, true);
        checkVersion('integration', current, opts.ifMatch);
        const changes: Partial<IntegrationRow> = { updatedAt: clock.now() };
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.settings) changes.settings = { ...current.settings, ...patch.settings };
        if (patch.secrets && Object.keys(patch.secrets).length) {
          const secrets = await box.open(current.secretsSealed);
          for (const [name, value] of Object.entries(patch.secrets)) {
            if (!value) continue;
            if (secrets[name] && secrets[name] !== value) secrets[`${name}${ROTATED_SUFFIX}`] = secrets[name];
            secrets[name] = value;
          }
          changes.secretsSealed = await box.seal(secrets);
          changes.secretNames = Object.keys(secrets).sort();
        } else if (patch.secrets === undefined) {
          // Re-sealed on every write, so values sealed under a retired key move to the current one.
          changes.secretsSealed = await box.seal(await box.open(current.secretsSealed));
        }
        return presentOne(tx, (await repo.updateIntegration(tx, actor.workspaceId, id, changes))!);
      });
      // After the commit, so a delivery meanwhile cannot cache the old row again.
      forget(id);
      return result;
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireRole(actor, 'admin');
      await db.transaction(async (tx) => {
        await getRow(tx, actor, id, true);
        await repo.deleteIntegration(tx, actor.workspaceId, id);
      });
      forget(id);
    },

    async events(actor: Actor, id: string, q: EventListQuery): Promise<IntegrationEvent[]> {
      requireRole(actor, 'admin');
      await getRow(db, actor, id);
      return (await repo.listEvents(db, actor.workspaceId, id, q.status, q.limit)).map(presentEvent);
    },

    /** Processes a stored event again (idempotent: what it already did is not done twice). */
    async replay(actor: Actor, id: string, eventId: string): Promise<IntegrationEvent> {
      requireRole(actor, 'admin');
      return db.transaction(async (tx) => {
        await getRow(tx, actor, id);
        if (!(await repo.findEvent(tx, actor.workspaceId, id, eventId))) throw notFound('Integration event', eventId);
        const row = (await repo.resetEvent(tx, actor.workspaceId, eventId))!;
        await recordOutbox(tx, actor.workspaceId, { topic: INTEGRATION_EVENTS_TOPIC, payload: { integrationId: id, eventIds: [eventId] } }, clock.now());
        return presentEvent(row);
      });
    },

    /** For provider code in jobs and senders: settings and opened secrets of one integration. */
    async connection(workspaceId: string, id: string): Promise<Connection | undefined> {
      const row = await repo.findIntegration(db, workspaceId, id);
      return row ? connectionOf(row) : undefined;
    },

    /** The workspace's first integration of a provider (the one its messages go out through). */
    async connectionFor(workspaceId: string, provider: Provider): Promise<Connection | undefined> {
      const [row] = await repo.listIntegrations(db, workspaceId, provider);
      return row ? connectionOf(row) : undefined;
    },

    /** Every workspace's integrations of a provider, for pollers (a mailbox is read, not called): ids and whether an error shows. */
    async allOf(provider: Provider): Promise<{ workspaceId: string; id: string; lastError: string | null }[]> {
      return (await repo.listIntegrationsAnywhere(systemDb, provider)).map((r) => ({ workspaceId: r.workspaceId, id: r.id, lastError: r.lastError }));
    },

    /** Records a problem talking to the provider (shown in the status until something succeeds). */
    async noteError(workspaceId: string, id: string, error: string | null): Promise<void> {
      await inWorkspace(workspaceId, () => repo.noteIntegrationError(db, workspaceId, id, error, clock.now()));
    },

    /** The GET subscription handshake; the challenge to echo. */
    async handshake(provider: string, integrationId: string, query: Record<string, unknown>): Promise<string> {
      const { adapter, connection } = await hookTarget(provider, integrationId);
      const challenge = adapter.handshake?.(connection, query);
      if (challenge === undefined) throw new AppError('webhook_verification_refused', 'The verify token or mode does not match this integration', { status: 403 });
      return challenge;
    },

    /**
     * A webhook POST: verifies the signature over the raw bytes, stores each event once under its
     * provider id (a redelivery stores nothing), and leaves the work to a job. Nothing else, so
     * the answer is fast. A bad signature stores nothing.
     */
    async receive(provider: string, integrationId: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>, request: HookRequest = { method: 'POST', url: webhookPath(provider, integrationId) }): Promise<{ received: number; stored: number }> {
      const { row, adapter, connection } = await hookTarget(provider, integrationId);
      if (!adapter.verify(connection, rawBody, headers, request)) {
        throw new AppError('webhook_signature_invalid', 'The webhook signature does not match this integration', { status: 401 });
      }
      return store(row, adapter.split(rawBody));
    },

    /**
     * A public submission that is not a signed webhook (a web form): the caller checks it against
     * the integration (origin, honeypot, timestamp) and cuts its events; they are stored and
     * processed as a webhook's are. An unknown integration or another provider is a 404.
     */
    async submit(provider: Provider, integrationId: string, make: (connection: Connection) => ProviderEvent[]): Promise<{ received: number; stored: number }> {
      const { row, connection } = await hookTarget(provider, integrationId);
      const events = make(connection);
      return events.length ? store(row, events) : { received: 0, stored: 0 };
    },

    /** The settings and secrets behind a public URL (a 404 when unknown), e.g. to answer a CORS preflight. */
    async publicConnection(provider: Provider, integrationId: string): Promise<Connection> {
      return (await hookTarget(provider, integrationId)).connection;
    },

    /** The job (see `processJob`). */
    async process(payload: JobPayload): Promise<void> {
      await processJob(payload);
    },

    /**
     * Several jobs of one workspace (the queue groups them so) as one: their events merged per integration, so a backlog of
     * small jobs (one per group commit of webhooks) is applied in large batches. A transient
     * failure is rethrown after the other integrations ran.
     */
    async processMany(payloads: JobPayload[]): Promise<void> {
      if (payloads.length === 0) return;
      const { workspaceId } = payloads[0]!;
      /** Event ids by integration, in the jobs' order. */
      const merged = new Map<string, string[]>();
      for (const p of payloads) {
        const ids = merged.get(String(p.integrationId)) ?? [];
        if (Array.isArray(p.eventIds)) ids.push(...p.eventIds.map(String));
        merged.set(String(p.integrationId), ids);
      }
      let transient: unknown;
      for (const [integrationId, ids] of merged) {
        // A batch is one transaction: bounded, so it stays well inside the statement timeout.
        for (let i = 0; i < ids.length; i += MAX_EVENTS_MERGED) {
          await processJob({ workspaceId, integrationId, eventIds: ids.slice(i, i + MAX_EVENTS_MERGED) }).catch((err: unknown) => (transient ??= err));
        }
      }
      if (transient) throw transient;
    },

    /** The job, answering how many events went which way (for tests and benchmarks). */
    processJob,

    /** Retries spent: what is still pending is `failed`, with its last reason. */
    async giveUp(payload: JobPayload): Promise<void> {
      const { workspaceId } = payload;
      const integrationId = String(payload.integrationId);
      const eventIds = Array.isArray(payload.eventIds) ? payload.eventIds.map(String) : [];
      for (const event of await repo.pendingEvents(db, workspaceId, integrationId, eventIds)) {
        await repo.setEventOutcome(db, workspaceId, event.id, { status: 'failed', reason: event.reason ?? 'retries spent', processedAt: clock.now() });
      }
    },
  };
}

export type IntegrationsService = ReturnType<typeof makeIntegrationsService>;
// For provider code in other features (their public surface is this file).
export { constantTimeEqual, verifyCalendlySignature, verifyMetaSignature, verifyTypeformSignature } from './signatures.ts';
export { makeSecretBox, newSecretKey } from './secret-box.ts';
export type { IntegrationEventRow };
