import type { GraphLead } from './lead-graph-client.ts';

/**
 * A lead's answers as contact fields and consents. `field_data[].name` is the question key
 * (standard keys below, or the custom key set in the form builder) and `values` a list of
 * strings; `custom_disclaimer_responses` are the form's checkboxes. The integration's
 * `map.<key>` settings choose the target of any key; unmapped custom questions are ignored, and
 * an unmapped checkbox is consent to marketing email.
 */
export type ConsentName = 'transactionalWhatsapp' | 'transactionalEmail' | 'marketingWhatsapp' | 'marketingEmail';
export type LeadFields = { email?: string; phone?: string; firstName?: string; lastName?: string; company?: string; fullName?: string };
export type LeadConsent = { consent: ConsentName; value: boolean; checkboxKey: string };

const STANDARD: Record<string, keyof LeadFields> = {
  email: 'email',
  full_name: 'fullName',
  first_name: 'firstName',
  last_name: 'lastName',
  phone_number: 'phone',
  phone: 'phone',
  company_name: 'company',
  company: 'company',
};
const FIELD_TARGETS = new Set(['email', 'phone', 'fullName', 'firstName', 'lastName', 'company']);

const checked = (v: unknown): boolean | undefined => (v === true || v === '1' || v === 'true' ? true : v === false || v === '0' || v === 'false' ? false : undefined);

export function mapLead(lead: GraphLead, settings: Record<string, string>): { fields: LeadFields; consents: LeadConsent[] } {
  const fields: LeadFields = {};
  const consents: LeadConsent[] = [];
  for (const f of Array.isArray(lead.field_data) ? lead.field_data : []) {
    if (!f || typeof f.name !== 'string' || !Array.isArray(f.values)) continue;
    const value = f.values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').join(', ').trim().slice(0, 300);
    const target = settings[`map.${f.name}`] ?? STANDARD[f.name];
    if (!target || target === 'ignore' || !value) continue;
    if (target.startsWith('consent:')) {
      const v = checked(f.values[0]) ?? /^(s[ií]|yes|y|true|1|acepto)$/i.test(value);
      consents.push({ consent: target.slice(8) as ConsentName, value: v, checkboxKey: f.name });
    } else if (FIELD_TARGETS.has(target)) fields[target as keyof LeadFields] ??= value;
  }
  for (const d of Array.isArray(lead.custom_disclaimer_responses) ? lead.custom_disclaimer_responses : []) {
    if (!d || typeof d.checkbox_key !== 'string' || !d.checkbox_key) continue;
    const value = checked(d.is_checked);
    const target = settings[`map.${d.checkbox_key}`] ?? 'consent:marketingEmail';
    if (value === undefined || !target.startsWith('consent:')) continue;
    consents.push({ consent: target.slice(8) as ConsentName, value, checkboxKey: d.checkbox_key.slice(0, 100) });
  }
  if (fields.fullName) {
    const [first, ...rest] = fields.fullName.split(/\s+/);
    fields.firstName ??= first;
    if (rest.length) fields.lastName ??= rest.join(' ');
  }
  return { fields, consents };
}
