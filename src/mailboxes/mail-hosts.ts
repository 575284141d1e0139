import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Connection } from '../integrations/integrations.service.ts';

/** IPv4 and IPv6 ranges a user-supplied host may not lead to (R35): loopback, private, link-local, unspecified. */
function isPrivate(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivate(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}

export class MailHostRefused extends Error {}

/**
 * The address to connect to for a configured host, resolved once here (so the check and the
 * connection see the same address). Private and loopback addresses are refused unless the
 * installation allows them (a self-hosted mail server on the team's own network, or tests).
 */
export async function resolveMailHost(host: string, allowPrivate: boolean): Promise<string> {
  const address = isIP(host) ? host : (await lookup(host)).address;
  if (!allowPrivate && isPrivate(address)) throw new MailHostRefused(`${host} resolves to ${address}, a private or loopback address (set VIXIEES_MAIL_PRIVATE_HOSTS=allow to permit it)`);
  return address;
}

export type MailServerSettings = { host: string; port: number; tls: 'tls' | 'starttls' | 'none'; user: string; password: string };

export const imapOf = (c: Connection): MailServerSettings => ({
  host: c.settings.imapHost ?? '',
  port: Number(c.settings.imapPort ?? 993),
  tls: (c.settings.imapTls ?? 'tls') as MailServerSettings['tls'],
  user: c.settings.username ?? '',
  password: c.secrets.password ?? '',
});

export const smtpOf = (c: Connection): MailServerSettings => ({
  host: c.settings.smtpHost ?? '',
  port: Number(c.settings.smtpPort ?? 465),
  tls: (c.settings.smtpTls ?? 'tls') as MailServerSettings['tls'],
  user: c.settings.username ?? '',
  password: c.secrets.password ?? '',
});
