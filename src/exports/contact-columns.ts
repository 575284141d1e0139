import type { Contact } from '../contacts/contacts.schema.ts';
import type { Attribute } from '../attributes/attributes.schema.ts';
import type { Cell } from './csv-writer.ts';

/** What a row needs besides the contact: names of the ids it holds, and attribute types. */
export type ColumnLookups = {
  userEmails: Map<string, string>;
  playbookNames: Map<string, string>;
  attributes: Map<string, Attribute>;
};

type Extract = (c: Contact, l: ColumnLookups) => Cell;

const text = (v: string | null | undefined): Cell => v ?? null;
const multi = (v: string[] | undefined): Cell => (v && v.length ? v.join('|') : null);

/**
 * The export's columns. Headers are the API's field names (dotted for nested ones), so an export
 * re-imports without a mapping. Multi-values are joined with `|`.
 */
const BEFORE_ATTRIBUTES: [string, Extract][] = [
  ['id', (c) => c.id],
  ['firstName', (c) => text(c.firstName)],
  ['lastName', (c) => text(c.lastName)],
  ['company', (c) => text(c.company)],
  ['email', (c) => text(c.email)],
  ['phone', (c) => text(c.phone)],
  ['whatsappUserId', (c) => text(c.whatsappUserId)],
  ['additionalEmails', (c) => multi(c.additionalEmails)],
  ['additionalPhones', (c) => multi(c.additionalPhones)],
  ['ownerEmail', (c, l) => (c.ownerId ? (l.userEmails.get(c.ownerId) ?? null) : null)],
  ['externalRefId', (c) => text(c.externalRef?.id)],
  ['playbook', (c, l) => (c.stage ? (l.playbookNames.get(c.stage.playbookId) ?? null) : null)],
  ['stage', (c) => text(c.stage?.name)],
  ['consent.transactionalWhatsapp', (c) => c.consents.transactionalWhatsapp],
  ['consent.transactionalEmail', (c) => c.consents.transactionalEmail],
  ['consent.marketingWhatsapp', (c) => c.consents.marketingWhatsapp],
  ['consent.marketingEmail', (c) => c.consents.marketingEmail],
];

const AFTER_ATTRIBUTES: [string, Extract][] = [
  ['source', (c) => c.source],
  ['sourceDetail', (c) => text(c.sourceDetail)],
  ['createdAt', (c) => c.createdAt],
  ['updatedAt', (c) => c.updatedAt],
];

export const ATTRIBUTE_PREFIX = 'attr.';

/** A custom attribute's value as a typed cell: numbers stay numbers, options join with `|`. */
export function attributeCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => String(v)).join('|');
  if (typeof value === 'string') return value;
  // Not a shape the attribute types produce; written as JSON text (escaped like any text).
  return JSON.stringify(value);
}

/** Every column of the workspace, in the canonical order. */
export function allColumns(attributes: Attribute[]): string[] {
  const byPosition = [...attributes].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
  return [...BEFORE_ATTRIBUTES.map(([h]) => h), ...byPosition.map((a) => `${ATTRIBUTE_PREFIX}${a.key}`), ...AFTER_ATTRIBUTES.map(([h]) => h)];
}

const FIXED = new Map<string, Extract>([...BEFORE_ATTRIBUTES, ...AFTER_ATTRIBUTES]);

/** The function that reads one column from a contact; undefined for a column that does not exist. */
export function extractorFor(column: string, attributes: Map<string, Attribute>): Extract | undefined {
  const fixed = FIXED.get(column);
  if (fixed) return fixed;
  if (!column.startsWith(ATTRIBUTE_PREFIX)) return undefined;
  const key = column.slice(ATTRIBUTE_PREFIX.length);
  if (!attributes.has(key)) return undefined;
  return (c) => attributeCell(c.customAttributes[key]);
}
