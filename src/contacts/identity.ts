import type { FieldError } from '../lib/errors.ts';
import type { Identifier } from './contacts.repo.ts';
import { emailKey, normaliseEmail, normalisePhone, normaliseWhatsappUserId } from './identifiers.ts';

/** The identifying fields of a contact, after normalisation. */
export type IdentityFields = {
  email: string | null;
  phone: string | null;
  whatsappUserId: string | null;
  additionalEmails: string[];
  additionalPhones: string[];
};

export type IdentityInput = {
  email?: string | null;
  phone?: string | null;
  whatsappUserId?: string | null;
  additionalEmails?: string[];
  additionalPhones?: string[];
};

/**
 * Normalises the identifying fields present in `input` on top of `current` (empty for a create),
 * promotes the first additional value when no primary is left, drops duplicates inside the
 * contact, and requires at least one email, phone or WhatsApp user id.
 */
export function resolveIdentity(
  input: IdentityInput,
  current: IdentityFields,
  defaultCountry: string,
): { fields: IdentityFields; errors: FieldError[]; pointers: Map<string, string> } {
  const errors: FieldError[] = [];
  // Where each value was typed in the request, so a conflict names the field the client sent.
  const pointers = new Map<string, string>();
  const one = (value: string | null | undefined, pointer: string, norm: (v: string) => ReturnType<typeof normaliseEmail>) => {
    if (value === null || value === undefined || value.trim() === '') return null;
    const r = norm(value);
    if (r.ok) {
      const key = pointer.includes('mail') ? `email:${emailKey(r.value)}` : pointer.includes('hone') ? `phone:${r.value}` : `whatsapp:${r.value}`;
      if (!pointers.has(key)) pointers.set(key, pointer);
      return r.value;
    }
    errors.push({ pointer, code: r.code, message: r.message });
    return null;
  };
  const email = (v: string) => normaliseEmail(v);
  const phone = (v: string) => normalisePhone(v, defaultCountry);

  const fields: IdentityFields = { ...current };
  if ('email' in input && input.email !== undefined) fields.email = one(input.email, '/email', email);
  if ('phone' in input && input.phone !== undefined) fields.phone = one(input.phone, '/phone', phone);
  if ('whatsappUserId' in input && input.whatsappUserId !== undefined) {
    fields.whatsappUserId = one(input.whatsappUserId, '/whatsappUserId', normaliseWhatsappUserId);
  }
  if (input.additionalEmails) {
    fields.additionalEmails = input.additionalEmails
      .map((v, i) => one(v, `/additionalEmails/${i}`, email))
      .filter((v): v is string => v !== null);
  }
  if (input.additionalPhones) {
    fields.additionalPhones = input.additionalPhones
      .map((v, i) => one(v, `/additionalPhones/${i}`, phone))
      .filter((v): v is string => v !== null);
  }

  if (!fields.email && fields.additionalEmails.length > 0) fields.email = fields.additionalEmails[0]!;
  if (!fields.phone && fields.additionalPhones.length > 0) fields.phone = fields.additionalPhones[0]!;
  fields.additionalEmails = uniqueExcept(fields.additionalEmails, fields.email, emailKey);
  fields.additionalPhones = uniqueExcept(fields.additionalPhones, fields.phone, (p) => p);

  if (errors.length === 0 && !fields.email && !fields.phone && !fields.whatsappUserId) {
    errors.push({
      pointer: '/email',
      code: 'identifier_required',
      message: 'A contact needs at least one email or phone',
    });
  }
  return { fields, errors, pointers };
}

function uniqueExcept(values: string[], primary: string | null, key: (v: string) => string): string[] {
  const seen = new Set<string>(primary ? [key(primary)] : []);
  const out: string[] = [];
  for (const v of values) {
    const k = key(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/** Every identifier the fields hold, with the request field that carries each one (for errors). */
export function identifiersOf(
  fields: IdentityFields,
  externalRefId: string | null,
  typedAt?: Map<string, string>,
): (Identifier & { pointer: string })[] {
  const out: (Identifier & { pointer: string })[] = [];
  if (fields.email) out.push({ kind: 'email', value: emailKey(fields.email), pointer: '/email' });
  fields.additionalEmails.forEach((e, i) =>
    out.push({ kind: 'email', value: emailKey(e), pointer: `/additionalEmails/${i}` }),
  );
  if (fields.phone) out.push({ kind: 'phone', value: fields.phone, pointer: '/phone' });
  fields.additionalPhones.forEach((p, i) => out.push({ kind: 'phone', value: p, pointer: `/additionalPhones/${i}` }));
  if (fields.whatsappUserId) out.push({ kind: 'whatsapp', value: fields.whatsappUserId, pointer: '/whatsappUserId' });
  if (externalRefId) out.push({ kind: 'external_ref', value: externalRefId, pointer: '/externalRef/id' });
  if (typedAt) for (const i of out) i.pointer = typedAt.get(`${i.kind}:${i.value}`) ?? i.pointer;
  return out;
}

export const sameIdentifier = (a: Identifier, b: Identifier): boolean => a.kind === b.kind && a.value === b.value;
