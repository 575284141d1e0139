import type { ContactsService } from '../contacts/contacts.service.ts';
import type { ConsentChange, Contact, ContactCreate } from '../contacts/contacts.schema.ts';
import type { Actor } from '../lib/actor.ts';
import { AppError } from '../lib/errors.ts';
import { PermanentEventError } from './integrations.service.ts';

type LeadContacts = Pick<ContactsService, 'findByIdentifier' | 'create' | 'setConsent' | 'consentHistory'>;

/**
 * The contact a lead names: found by its email, then its phone, else created from `input`. When
 * the create loses a race with another delivery (the identifier is taken meanwhile), the contact
 * is found again; a create refused for any other reason can never succeed, so the event fails.
 */
export async function findOrCreateLeadContact(
  contacts: Pick<LeadContacts, 'findByIdentifier' | 'create'>,
  actor: Actor,
  identity: { email?: string; phone?: string },
  input: () => ContactCreate,
): Promise<{ contact: Contact; created: boolean }> {
  const find = async () =>
    (identity.email ? await contacts.findByIdentifier(actor, 'email', identity.email) : undefined) ??
    (identity.phone ? await contacts.findByIdentifier(actor, 'phone', identity.phone) : undefined);
  const found = await find();
  if (found) return { contact: found, created: false };
  try {
    return { contact: await contacts.create(actor, input()), created: true };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const raced = await find();
    if (!raced) throw new PermanentEventError(`the contact could not be created: ${err.message}`);
    return { contact: raced, created: false };
  }
}

/**
 * Records a lead's consent answers once: an answer whose proof already carries this lead's
 * identifying `proofKey` value is skipped, so a replay records nothing twice. Returns how many
 * were recorded.
 */
export async function recordLeadConsentsOnce(
  contacts: LeadContacts,
  actor: Actor,
  contactId: string,
  answers: { consent: ConsentChange['consent']; value: ConsentChange['value']; proof: Record<string, unknown> }[],
  source: ConsentChange['source'],
  proofKey: string,
): Promise<number> {
  if (!answers.length) return 0;
  const history = await contacts.consentHistory(actor, contactId);
  let recorded = 0;
  for (const a of answers) {
    if (history.some((h) => h.consent === a.consent && (h.proof as Record<string, unknown> | null)?.[proofKey] === a.proof[proofKey])) continue;
    await contacts.setConsent(actor, contactId, { consent: a.consent, value: a.value, source, proof: a.proof });
    recorded++;
  }
  return recorded;
}
