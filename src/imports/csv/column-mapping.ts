import { withoutDuplicateSuffix } from './cell-text.ts';

export type ContactFieldName =
  | 'firstName' | 'lastName' | 'fullName' | 'company' | 'email' | 'phone' | 'whatsappUserId'
  | 'additionalEmails' | 'additionalPhones' | 'externalRefId' | 'ownerEmail' | 'playbook' | 'stage'
  | 'sourceDetail' | 'id';

export type ConsentName = 'transactionalWhatsapp' | 'transactionalEmail' | 'marketingWhatsapp' | 'marketingEmail';

export type ColumnTarget =
  | { kind: 'field'; field: ContactFieldName }
  | { kind: 'consent'; consent: ConsentName }
  | { kind: 'attribute'; key: string }
  | { kind: 'ignore' };

export type AttributeForMapping = { key: string; label: string; type: string };

const FIELDS: readonly ContactFieldName[] = [
  'firstName', 'lastName', 'fullName', 'company', 'email', 'phone', 'whatsappUserId', 'additionalEmails',
  'additionalPhones', 'externalRefId', 'ownerEmail', 'playbook', 'stage', 'sourceDetail', 'id',
];
const CONSENTS: readonly ConsentName[] = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];

/**
 * A header as we compare it: trimmed, case-folded, accents stripped ("Teléfono" = "telefono"),
 * and any run of spaces, underscores, dashes or dots made one space ("E-mail", "e_mail",
 * "E  mail" → "e mail"). A camelCase name is split first, so the exporter's `firstName` reads as
 * "first name" like a person's "First name".
 */
export function normaliseHeader(header: string): string {
  return header
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_.-]+/gu, ' ')
    .trim();
}

/** The normalised header without its spaces: "e mail", "email" and "E-Mail" all meet at "email". */
const compact = (header: string): string => normaliseHeader(header).replace(/ /g, '');

/**
 * Names people give the contact fields, in English and Spanish (written as a person would; they
 * go through `compact` so accents, case and separators do not matter). The exporter's own headers
 * (the API field names) are matched before these.
 */
const SYNONYMS: Record<ContactFieldName, string[]> = {
  firstName: ['Nombre', 'Nombre de pila', 'First name', 'Given name', 'Forename'],
  lastName: ['Apellidos', 'Apellido', 'Primer apellido', 'Segundo apellido', 'Last name', 'Surname', 'Family name', 'Surnames'],
  fullName: ['Nombre completo', 'Nombre y apellidos', 'Full name', 'Name', 'Contact name', 'Nombre del contacto', 'Contacto'],
  company: ['Empresa', 'Compañía', 'Organización', 'Razón social', 'Nombre de la empresa', 'Company', 'Company name', 'Organization', 'Organisation'],
  email: ['Correo electrónico', 'Correo', 'Email', 'E-mail', 'Mail', 'Dirección de correo', 'Dirección de correo electrónico', 'Email address', 'Correo-e'],
  phone: ['Teléfono', 'Tel', 'Tlf', 'Tfno', 'Móvil', 'Celular', 'Teléfono móvil', 'Número de teléfono', 'Phone', 'Phone number', 'Telephone', 'Mobile', 'Mobile phone', 'Cell'],
  whatsappUserId: ['WhatsApp', 'WhatsApp id', 'WhatsApp user id', 'Id de WhatsApp'],
  additionalEmails: ['Additional emails', 'Other emails', 'Emails adicionales', 'Otros emails', 'Otros correos', 'Correos adicionales'],
  additionalPhones: ['Additional phones', 'Other phones', 'Teléfonos adicionales', 'Otros teléfonos'],
  externalRefId: ['External ref id', 'External id', 'External reference', 'Referencia externa', 'Id externo'],
  ownerEmail: ['Propietario', 'Email del propietario', 'Correo del propietario', 'Responsable', 'Owner', 'Owner email', 'Contact owner'],
  playbook: ['Playbook'],
  stage: ['Stage', 'Etapa', 'Fase'],
  sourceDetail: ['Source detail', 'Detalle del origen', 'Origen'],
  id: ['id'],
};

const SYNONYM_INDEX: Map<string, ContactFieldName> = new Map(
  Object.entries(SYNONYMS).flatMap(([field, names]) => names.map((n) => [compact(n), field as ContactFieldName] as const)),
);

/**
 * A second column for a field that holds one value: a second email or phone column is additional
 * ones ("Teléfono", "Móvil"), a second surname column is joined to the first ("Primer apellido",
 * "Segundo apellido": the import joins every lastName column with a space, in column order).
 * Anything else would overwrite the first column, so the later one is ignored.
 */
const SECOND_COLUMN: Partial<Record<ContactFieldName, ContactFieldName>> = {
  email: 'additionalEmails',
  phone: 'additionalPhones',
  lastName: 'lastName',
  additionalEmails: 'additionalEmails',
  additionalPhones: 'additionalPhones',
};

/**
 * One suggestion per column, in column order; the user can override each. Order of rules:
 * `attr.<key>` and `consent.<name>` (the exporter's headers), the exact API field names,
 * attributes by key or label (a workspace's own words beat our dictionary), then the dictionary.
 * Unknown columns are ignored, never guessed.
 */
export function suggestMapping(headers: string[], attributes: AttributeForMapping[]): ColumnTarget[] {
  const used = new Set<ContactFieldName>();
  const usedAttributes = new Set<string>();
  const usedConsents = new Set<ConsentName>();
  return headers.map((header) => {
    const target = targetFor(withoutDuplicateSuffix(header.trim()), attributes);
    if (target.kind === 'field') {
      if (!used.has(target.field)) {
        used.add(target.field);
        return target;
      }
      const second = SECOND_COLUMN[target.field];
      if (!second) return { kind: 'ignore' };
      used.add(second);
      return { kind: 'field', field: second };
    }
    if (target.kind === 'attribute') {
      if (usedAttributes.has(target.key)) return { kind: 'ignore' };
      usedAttributes.add(target.key);
    }
    if (target.kind === 'consent') {
      if (usedConsents.has(target.consent)) return { kind: 'ignore' };
      usedConsents.add(target.consent);
    }
    return target;
  });
}

function targetFor(header: string, attributes: AttributeForMapping[]): ColumnTarget {
  if (header.startsWith('attr.')) {
    const key = header.slice('attr.'.length);
    const found = attributes.find((a) => a.key === key) ?? attributes.find((a) => compact(a.key) === compact(key));
    return found ? { kind: 'attribute', key: found.key } : { kind: 'ignore' };
  }
  if (header.startsWith('consent.') || header.startsWith('consents.')) {
    const name = compact(header.slice(header.indexOf('.') + 1));
    const consent = CONSENTS.find((c) => compact(c) === name);
    return consent ? { kind: 'consent', consent } : { kind: 'ignore' };
  }
  const exact = FIELDS.find((f) => f === header);
  if (exact) return { kind: 'field', field: exact };

  const c = compact(header);
  if (c === '') return { kind: 'ignore' };
  const attribute = attributes.find((a) => compact(a.key) === c) ?? attributes.find((a) => compact(a.label) === c);
  if (attribute) return { kind: 'attribute', key: attribute.key };
  const field = SYNONYM_INDEX.get(c) ?? FIELDS.find((f) => compact(f) === c);
  return field ? { kind: 'field', field } : { kind: 'ignore' };
}
