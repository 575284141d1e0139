import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type Normalised = { ok: true; value: string } | { ok: false; code: string; message: string };

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Email: trimmed, domain lower-cased (and IDNA-encoded for the check), local part kept as typed.
 * Total: never throws, whatever the input.
 */
export function normaliseEmail(input: unknown): Normalised {
  if (typeof input !== 'string') return { ok: false, code: 'invalid_email', message: 'must be a string' };
  const trimmed = input.normalize('NFC').trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return invalidEmail(trimmed);
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return invalidEmail(trimmed);
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return invalidEmail(trimmed);
  }
  if (!/[a-z]/.test(labels.at(-1)!)) return invalidEmail(trimmed);
  const value = `${local}@${domain}`;
  if (value.length > 254) return invalidEmail(trimmed);
  return { ok: true, value };
}

const invalidEmail = (input: string): Normalised => ({
  ok: false,
  code: 'invalid_email',
  message: `"${input.slice(0, 80)}" is not a valid email address`,
});

/** The identity key of an email: the same mailbox typed with other capitals is the same contact. */
export const emailKey = (normalised: string): string => normalised.toLowerCase();

/**
 * Phone: parsed with the workspace's default country (national "612 34 56 78", international
 * "+34…" or "0034…"), validated against full metadata, stored as E.164.
 */
export function normalisePhone(input: unknown, defaultCountry: string): Normalised {
  if (typeof input !== 'string') return { ok: false, code: 'invalid_phone', message: 'must be a string' };
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 40) return invalidPhone(trimmed);
  try {
    const parsed = parsePhoneNumberFromString(trimmed, { defaultCountry: defaultCountry as CountryCode });
    if (!parsed || !parsed.isValid()) return invalidPhone(trimmed);
    return { ok: true, value: parsed.number };
  } catch {
    return invalidPhone(trimmed);
  }
}

const invalidPhone = (input: string): Normalised => ({
  ok: false,
  code: 'invalid_phone',
  message: `"${input.slice(0, 40)}" is not a valid phone number`,
});

/** A WhatsApp user id (username users have no visible number): opaque, but bounded and printable. */
export function normaliseWhatsappUserId(input: unknown): Normalised {
  if (typeof input !== 'string') return { ok: false, code: 'invalid_whatsapp_user_id', message: 'must be a string' };
  const v = input.trim();
  if (!/^[A-Za-z0-9._:+-]{1,128}$/.test(v)) {
    return { ok: false, code: 'invalid_whatsapp_user_id', message: 'must be 1-128 letters, digits or ._:+-' };
  }
  return { ok: true, value: v };
}

/** Names: any Unicode letters, NFC-normalised and trimmed, inner runs of spaces collapsed. */
export const normaliseName = (input: string): string => input.normalize('NFC').trim().replace(/\s+/g, ' ');
