import type { Contact } from '../../../lib/api.ts';

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
