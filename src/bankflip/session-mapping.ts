/**
 * The whole Bankflip payload → contact mapping, in one place (its public documentation is thin:
 * integrations.md §9 records the shapes; confirm them with Permisso and change only this file).
 *
 * - The contact: the session's `metadata` as the team set it when creating the session:
 *   `contactId` (a Vixiees contact id) first, then `email`, then `phone`. With none found a
 *   contact is created from them (source `bankflip`, detail `session:<id>`).
 * - The contact update: `firstName`, `lastName`, `email`, `phone` from the metadata fill fields
 *   the contact does not have yet (never overwrite what the team typed).
 * - The documents: every `documents[]` of every `modelRequestOutcomes[]` of the session summary,
 *   named `<model> - <name>.<extension>`; outcomes without documents give their
 *   `noDocumentReasons` in the event's note, as does the identity verification's state.
 */
export type SessionProfile = { firstName?: string; lastName?: string; email?: string; phone?: string };
export type SessionDocument = { id: string; fileName: string; contentType: string };
export type MappedSession = {
  contactId?: string;
  profile: SessionProfile;
  documents: SessionDocument[];
  /** What the summary said beyond the documents, for the event's note. */
  notes: string[];
};

const str = (v: unknown, max = 300): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A document's type from its declared content type or extension (JSON extractions are kept as text). */
function typeOf(contentType: string | undefined, extension: string | undefined): string {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase();
  const ext = extension?.replace(/^\./, '').toLowerCase();
  if (declared === 'application/json' || ext === 'json') return 'text/plain';
  if (declared) return declared;
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : 'application/octet-stream';
}

export function mapSession(session: unknown, summary: unknown): MappedSession {
  const metadata = obj(obj(session).metadata);
  const contactId = str(metadata.contactId, 64);
  const profile: SessionProfile = { firstName: str(metadata.firstName, 100), lastName: str(metadata.lastName, 100), email: str(metadata.email, 320), phone: str(metadata.phone, 40) };
  const documents: SessionDocument[] = [];
  const notes: string[] = [];
  for (const outcome of arr(obj(summary).modelRequestOutcomes)) {
    const o = obj(outcome);
    const model = str(obj(obj(o.modelRequest).model).type, 80) ?? 'DOCUMENT';
    for (const d of arr(o.documents)) {
      const doc = obj(d);
      const id = str(doc.id, 128);
      if (!id) continue;
      const extension = str(doc.extension, 10)?.replace(/^\./, '');
      const name = str(doc.name, 180) ?? id;
      documents.push({ id, fileName: `${model} - ${name}${extension && !name.toLowerCase().endsWith(`.${extension.toLowerCase()}`) ? `.${extension}` : ''}`, contentType: typeOf(str(doc.contentType, 100), extension) });
    }
    const reasons = arr(o.noDocumentReasons).map((r) => [str(obj(r).reason, 60), str(obj(r).subreason, 60)].filter(Boolean).join('/')).filter(Boolean);
    if (reasons.length) notes.push(`${model}: ${reasons.join(', ')}`);
  }
  const verification = obj(obj(summary).identityVerification);
  const state = str(verification.state, 10);
  if (state) notes.push(`identity verification ${state}${str(verification.koReason, 60) ? ` (${str(verification.koReason, 60)})` : ''}`);
  return { contactId: contactId && UUID.test(contactId) ? contactId : undefined, profile, documents, notes };
}

/** Whether the summary is one at all (an object with a list of outcomes). */
export const isSummary = (summary: unknown): boolean => Array.isArray(obj(summary).modelRequestOutcomes);
