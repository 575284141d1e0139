import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const isLocale = (l: string) => {
  try {
    return Intl.getCanonicalLocales(l).length === 1;
  } catch {
    return false;
  }
};

export const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code like ES')
  .meta({ description: 'Default country for phone numbers typed without a prefix' });
export const TimeZone = z.string().max(64).refine(isTimeZone, { message: 'must be an IANA time zone like Europe/Madrid', params: { code: 'invalid_time_zone' } });
export const Locale = z.string().max(35).refine(isLocale, { message: 'must be a BCP 47 locale like es-ES', params: { code: 'invalid_locale' } });

export const WorkspaceCreate = z
  .object({
    name: singleLineText(200).trim().min(1),
    defaultCountry: Country.optional(),
    timeZone: TimeZone.optional(),
    locale: Locale.optional(),
    ownerEmail: z.email().optional(),
    ownerName: singleLineText(200).optional(),
  })
  .strict();
export type WorkspaceCreate = z.infer<typeof WorkspaceCreate>;

export const WorkspaceUpdate = z
  .object({ name: singleLineText(200).trim().min(1).optional(), defaultCountry: Country.optional(), timeZone: TimeZone.optional(), locale: Locale.optional() })
  .strict().meta({ id: 'WorkspaceUpdate' });
export type WorkspaceUpdate = z.infer<typeof WorkspaceUpdate>;

export const Workspace = z.object({
  id: z.uuid(),
  name: z.string(),
  defaultCountry: z.string(),
  timeZone: z.string(),
  locale: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Workspace' });

export const RoleSchema = z.enum(['owner', 'admin', 'member']);

export const UserCreate = z.object({ email: z.email().max(254), name: singleLineText(200).optional(), role: RoleSchema }).strict().meta({ id: 'UserCreate' });
export type UserCreate = z.infer<typeof UserCreate>;

export const UserUpdate = z
  .object({ name: singleLineText(200).trim().optional(), role: RoleSchema.optional() })
  .strict()
  .meta({ id: 'UserUpdate', description: 'Only an owner gives or takes the owner role; the last active owner keeps it (409 `last_owner`)' });
export type UserUpdate = z.infer<typeof UserUpdate>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  deactivatedAt: z.string().nullable().meta({ description: 'When the user was removed from the workspace; null while active. A removed user cannot sign in and their sessions and invites stop working' }),
  version: z.number().int(),
}).meta({ id: 'User' });
