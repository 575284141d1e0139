import type { Attribute } from '../workspace-data.ts';

/** How a condition's value is typed in: decides the input the filter editor shows. */
export type ValueKind = 'text' | 'enum' | 'boolean' | 'number' | 'date' | 'instant' | 'days' | 'owner' | 'stage';

export type FieldDef = {
  field: string;
  /** i18n key, or the attribute's own label. */
  label: { key: string } | { text: string };
  ops: string[];
  kind: ValueKind;
  /** For enums and selects: the values (label keys for built-ins, labels for attributes). */
  options?: { value: string; label: { key: string } | { text: string } }[];
  group: 'fields' | 'attributes';
};

const SOURCES = ['manual', 'csv', 'api', 'call', 'whatsapp', 'email', 'crm', 'web', 'typeform', 'calendly', 'meta_ads', 'bankflip'];
const CONSENTS = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];
const TEXT_OPS = ['contains', 'eq', 'startsWith', 'isEmpty'];
const IDENTIFIER_OPS = ['eq', 'contains', 'isEmpty'];

const f = (field: string, ops: string[], kind: ValueKind, extra: Partial<FieldDef> = {}): FieldDef => ({
  field, label: { key: `views.field.${field}` }, ops, kind, group: 'fields', ...extra,
});

/** The API's filter fields (src/contact-lists/filter-fields.ts and its feature additions). */
export const BUILT_IN_FIELDS: FieldDef[] = [
  f('firstName', TEXT_OPS, 'text'),
  f('lastName', TEXT_OPS, 'text'),
  f('company', ['contains', 'eq', 'isEmpty'], 'text'),
  f('email', IDENTIFIER_OPS, 'text'),
  f('phone', IDENTIFIER_OPS, 'text'),
  f('ownerId', ['eq', 'isEmpty'], 'owner'),
  f('source', ['eq'], 'enum', { options: SOURCES.map((s) => ({ value: s, label: { key: `views.source.${s}` } })) }),
  f('stageId', ['eq'], 'stage'),
  f('timeInStage', ['gte', 'lte'], 'days'),
  f('pendingAttention', ['eq'], 'boolean'),
  f('attentionReason', ['eq'], 'enum', { options: ['whatsapp', 'call', 'email'].map((r) => ({ value: r, label: { key: `reason.${r}` } })) }),
  f('whatsappWindow', ['open'], 'boolean'),
  f('ignored', ['eq'], 'boolean'),
  ...CONSENTS.map((c) => f(`consents.${c}`, ['eq'], 'boolean', { label: { key: `contact.consent.${c}` } })),
  f('createdAt', ['gte', 'lte'], 'instant'),
  f('updatedAt', ['gte', 'lte'], 'instant'),
];

/** Operators per attribute type (src/attributes/attribute-filter.ts OPS_BY_TYPE, minus `in`/`between`). */
const ATTRIBUTE_OPS: Record<Attribute['type'], string[]> = {
  text: ['eq', 'is_empty'],
  number: ['eq', 'gte', 'lte', 'is_empty'],
  date: ['eq', 'gte', 'lte', 'is_empty'],
  boolean: ['eq', 'is_empty'],
  single_select: ['eq', 'is_empty'],
  multi_select: ['contains_any', 'is_empty'],
};
const ATTRIBUTE_KIND: Record<Attribute['type'], ValueKind> = {
  text: 'text', number: 'number', date: 'date', boolean: 'boolean', single_select: 'enum', multi_select: 'enum',
};

export function attributeFields(attributes: Attribute[]): FieldDef[] {
  return attributes.map((a) => ({
    field: `attributes.${a.key}`,
    label: { text: a.label },
    ops: ATTRIBUTE_OPS[a.type],
    kind: ATTRIBUTE_KIND[a.type],
    options: a.options.map((o) => ({ value: o.value, label: { text: o.label } })),
    group: 'attributes',
  }));
}

/** Operators whose value is fixed (`true`): the editor shows no value input for them. */
export const VALUELESS_OPS = new Set(['isEmpty', 'is_empty']);
