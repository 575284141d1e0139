import { z } from 'zod';
import { singleLineText, isoDay } from '../lib/http/common-schemas.ts';
import { Author } from '../lib/http/element-schemas.ts';

export const DealStatus = z.enum(['open', 'won', 'lost']);

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** ISO 4217 code, upper case (the set Node's ICU knows: the active codes). */
export const Currency = z
  .string()
  .refine((c) => /^[A-Z]{3}$/.test(c) && CURRENCIES.has(c), { message: 'must be an ISO 4217 currency code like EUR', params: { code: 'invalid_currency' } });

const AmountMinor = z
  .number({ message: 'must be an integer amount in minor units (cents)' })
  .int({ message: 'must be an integer amount in minor units (cents)' })
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .meta({ description: 'Amount in minor units: 1050 is 10.50 EUR' });

const title = singleLineText(500).trim().min(1, { message: 'must not be empty' });

export const DealCreate = z
  .object({
    title,
    amountMinor: AmountMinor.nullish(),
    currency: Currency.nullish().meta({ description: 'Required with an amount' }),
    status: DealStatus.optional().meta({ description: 'Defaults to `open`' }),
    expectedCloseDate: isoDay().nullish(),
  })
  .strict().meta({ id: 'DealCreate' });
export type DealCreate = z.infer<typeof DealCreate>;

export const DealUpdate = DealCreate.partial().extend({ title: title.optional() }).strict().meta({ id: 'DealUpdate' });
export type DealUpdate = z.infer<typeof DealUpdate>;

export const Deal = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  title: z.string(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  status: DealStatus,
  expectedCloseDate: z.string().nullable(),
  closedAt: z.string().nullable().meta({ description: 'When the deal became won or lost' }),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Deal' });
export type Deal = z.infer<typeof Deal>;
