import { createHash } from 'node:crypto';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { normaliseEmail, normalisePhone } from '../contacts/identifiers.ts';
import type { DocumentsService } from '../documents/documents.service.ts';
import { PermanentEventError, type Connection, type IntegrationEventRow, type ProviderAdapter, type ProviderEvent } from '../integrations/integrations.service.ts';
import { findOrCreateLeadContact } from '../integrations/lead-contact.ts';
import { systemActor } from '../lib/actor.ts';
import type { Clock } from '../lib/clock.ts';
import { AppError } from '../lib/errors.ts';
import type { OutboundPolicy } from '../lib/outbound/safe-request.ts';
import { BankflipApiError, bankflipClient } from './bankflip-client.ts';
import { signedUrls, verifyBankflipSignature } from './bankflip-signature.ts';
import { isSummary, mapSession } from './session-mapping.ts';

/**
 * Bankflip (now Permisso) as an integrations provider (integrations.md §9, unofficial): a signed
 * `SESSION_COMPLETED` webhook carries only the session id; the job reads the session and its
 * summary from the workspace's Bankflip API host (through the SSRF guard), updates or creates
 * the contact and stores each document through the documents service, so it shows on the
 * timeline. The mapping lives in session-mapping.ts.
 */
export type BankflipDeps = {
  contacts: Pick<ContactsService, 'get' | 'findByIdentifier' | 'create' | 'update'>;
  documents: Pick<DocumentsService, 'upload' | 'list' | 'maxBytes'>;
  clock: Clock;
  outbound: OutboundPolicy;
  defaultCountry: (workspaceId: string) => Promise<string>;
  retryBaseMs?: number;
};

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** One event per session id: `SESSION_COMPLETED` is processed, other names are kept as ignored. */
export function splitBankflip(raw: Buffer): ProviderEvent[] {
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  const malformed = (reason: string): ProviderEvent[] => [{ key: `malformed:${digest}`, kind: 'malformed', payload: { body: raw.toString('utf8').slice(0, 2000) }, failed: reason }];
  let body: { name?: unknown; payload?: { sessionId?: unknown } };
  try {
    body = JSON.parse(raw.toString('utf8')) as typeof body;
  } catch {
    return malformed('the body is not JSON');
  }
  if (!body || typeof body !== 'object' || typeof body.name !== 'string') return malformed('name is missing');
  const sessionId = body.payload?.sessionId;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return malformed('payload.sessionId is missing or not a session id');
  if (body.name === 'SESSION_COMPLETED') return [{ key: sessionId, kind: 'session_completed', payload: body }];
  return [{ key: `${body.name.slice(0, 40)}:${sessionId}:${digest}`, kind: 'ignored', payload: body }];
}

export function makeBankflipProvider(deps: BankflipDeps): ProviderAdapter {
  const permanent = (err: unknown): never => {
    if (err instanceof BankflipApiError && !err.retryable) throw new PermanentEventError(err.message);
    throw err;
  };

  /** The contact the session's metadata names by id, when it still exists. */
  async function contactById(connection: Connection, contactId: string | undefined) {
    if (!contactId) return undefined;
    try {
      return await deps.contacts.get(systemActor(connection.workspaceId, connection.id), contactId);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return undefined;
    }
  }

  async function processSession(connection: Connection, event: IntegrationEventRow): Promise<string> {
    const sessionId = event.eventKey;
    const client = bankflipClient({ baseUrl: connection.settings.apiBaseUrl ?? '', apiKey: connection.secrets.apiKey ?? '', policy: deps.outbound, retryBaseMs: deps.retryBaseMs });
    const session = await client.session(sessionId).catch(permanent);
    const summary = await client.summary(sessionId).catch(permanent);
    if (!isSummary(summary)) throw new PermanentEventError(`the summary of session ${sessionId} has no modelRequestOutcomes`);
    const mapped = mapSession(session, summary);
    const actor = systemActor(connection.workspaceId, connection.id);
    const email = mapped.profile.email ? normaliseEmail(mapped.profile.email) : undefined;
    const phone = mapped.profile.phone ? normalisePhone(mapped.profile.phone, await deps.defaultCountry(connection.workspaceId)) : undefined;
    const emailValue = email?.ok ? email.value : undefined;
    const phoneValue = phone?.ok ? phone.value : undefined;

    let contact = await contactById(connection, mapped.contactId);
    let created = false;
    if (!contact) {
      if (!emailValue && !phoneValue) throw new PermanentEventError(`session ${sessionId} names no contact (metadata.contactId, email or phone)`);
      const input = { email: emailValue, phone: phoneValue, firstName: mapped.profile.firstName, lastName: mapped.profile.lastName, source: 'bankflip' as const, sourceDetail: `session:${sessionId}` };
      ({ contact, created } = await findOrCreateLeadContact(deps.contacts, actor, { email: emailValue, phone: phoneValue }, () => input));
    }
    let action = created ? 'created' : 'found';
    if (!created) {
      // Fill what the contact lacks; what the team typed stays.
      const patch: Record<string, string> = {};
      if (!contact.firstName && mapped.profile.firstName) patch.firstName = mapped.profile.firstName;
      if (!contact.lastName && mapped.profile.lastName) patch.lastName = mapped.profile.lastName;
      if (!contact.email && emailValue) patch.email = emailValue;
      if (!contact.phone && phoneValue) patch.phone = phoneValue;
      if (Object.keys(patch).length) {
        try {
          contact = await deps.contacts.update(actor, contact.id, patch);
          action = `updated (${Object.keys(patch).join(', ')})`;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          action = `found (not updated: ${err.message.slice(0, 120)})`;
        }
      }
    }

    // A retry or replay stores no document twice: the contact's documents are compared by content hash.
    const existing = new Set((await deps.documents.list(actor, contact.id, { limit: 500 })).data.map((d) => d.sha256));
    let stored = 0;
    const skipped: string[] = [];
    for (const doc of mapped.documents) {
      const { body } = await client.documentContent(doc.id, deps.documents.maxBytes).catch(permanent);
      const sha = createHash('sha256').update(body).digest('hex');
      if (existing.has(sha)) continue;
      try {
        await deps.documents.upload(actor, contact.id, { fileName: doc.fileName, declaredType: doc.contentType, content: body });
        existing.add(sha);
        stored++;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        skipped.push(`${doc.id}: ${err.message.slice(0, 100)}`);
      }
    }
    return [`${action} contact ${contact.id}; ${stored} document(s) stored`, ...(skipped.length ? [`not stored: ${skipped.join('; ')}`] : []), ...mapped.notes].join('; ').slice(0, 2000);
  }

  return {
    verify: (connection, raw, headers, request) =>
      verifyBankflipSignature(
        [connection.secrets.webhookSecret ?? '', connection.secrets.webhookSecretPrevious ?? ''],
        request.method,
        signedUrls(request.url, headers, connection.settings.publicBaseUrl),
        raw,
        headers,
        deps.clock.now().getTime() / 1000,
      ),
    split: splitBankflip,
    async process(connection, event) {
      if (event.kind === 'session_completed') return processSession(connection, event);
      if (event.kind === 'ignored') return 'not a SESSION_COMPLETED event; ignored';
      throw new PermanentEventError(`unknown event kind ${event.kind}`);
    },
  };
}
