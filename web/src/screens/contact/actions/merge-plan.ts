import type { Contact, Schemas } from '../../../lib/api.ts';

/** The fields the side-by-side comparison shows; the rest follow the API's merge rule. */
export const MERGE_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type Side = 'current' | 'other';

export const valueOf = (c: Contact, f: MergeField): string => (c[f] ?? '').trim();

/** Emails compare without case (the API keys them so); everything else as written. */
const same = (f: MergeField, a: string, b: string) => (f === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b);

/** A field both contacts fill with different values: the user says which one stays. */
export const conflicts = (a: Contact, b: Contact, f: MergeField): boolean => {
  const x = valueOf(a, f);
  const y = valueOf(b, f);
  return x !== '' && y !== '' && !same(f, x, y);
};

/**
 * The API's merge (`POST /v1/contacts/{survivor}/merge`) takes only the contact to absorb: the
 * survivor keeps its values, fills its blanks from the other and gains the other's email and
 * phone as additional ones. A value the user picked from the absorbed contact is therefore
 * applied afterwards by a PATCH of the survivor (with the merge's version as If-Match): a name or
 * company is written over; an email or phone is promoted from the additional values, and the
 * survivor's own one moves to them, so no identifier is lost or claimed anew.
 */
export function patchAfterMerge(merged: Contact, loser: Contact, picked: MergeField[]): Schemas['ContactUpdate'] | undefined {
  const body: Schemas['ContactUpdate'] = {};
  for (const f of picked) {
    const value = valueOf(loser, f);
    if (f === 'email' || f === 'phone') {
      const list = f === 'email' ? 'additionalEmails' : 'additionalPhones';
      const own = merged[f];
      body[f] = value;
      body[list] = [...(own ? [own] : []), ...merged[list].filter((v) => !same(f, v, value))];
    } else {
      body[f] = value;
    }
  }
  return Object.keys(body).length > 0 ? body : undefined;
}
