import { describe, expect, it } from 'vitest';
import { normaliseHeader, suggestMapping, type ColumnTarget } from './column-mapping.ts';

const field = (f: string) => ({ kind: 'field', field: f }) as ColumnTarget;
const IGNORE: ColumnTarget = { kind: 'ignore' };
const ATTRIBUTES = [
  { key: 'postal_code', label: 'Código postal', type: 'text' },
  { key: 'tier', label: 'Nivel de cliente', type: 'select' },
  { key: 'birthday', label: 'Fecha de nacimiento', type: 'date' },
];

describe('normaliseHeader', () => {
  it('trims, case-folds, strips accents and collapses separators', () => {
    expect(normaliseHeader('  Correo   Electrónico ')).toBe('correo electronico');
    expect(normaliseHeader('TELÉFONO_MÓVIL')).toBe('telefono movil');
    expect(normaliseHeader('e-mail')).toBe('e mail');
    expect(normaliseHeader('Compañía')).toBe('compania');
    expect(normaliseHeader('firstName')).toBe('first name');
    expect(normaliseHeader('Nu\u0301n\u0303ez')).toBe('nunez');
  });
});

describe('suggestMapping', () => {
  it('maps Spanish headers, whatever their case and accents', () => {
    const headers = ['Nombre', 'Apellidos', 'Correo electrónico', 'Teléfono', 'Móvil', 'Empresa', 'Propietario', 'WhatsApp', 'Color favorito'];
    expect(suggestMapping(headers, [])).toEqual([
      field('firstName'), field('lastName'), field('email'), field('phone'), field('additionalPhones'), field('company'),
      field('ownerEmail'), field('whatsappUserId'), IGNORE,
    ]);
    expect(suggestMapping(['NOMBRE COMPLETO', 'correo electronico', 'TELEFONO', 'Compañia', 'Celular'], [])).toEqual([
      field('fullName'), field('email'), field('phone'), field('company'), field('additionalPhones'),
    ]);
  });

  it('maps both surname columns to lastName (the import joins them)', () => {
    expect(suggestMapping(['Nombre', 'Primer apellido', 'Segundo apellido'], [])).toEqual([field('firstName'), field('lastName'), field('lastName')]);
  });

  it('maps English headers and e-mail spellings', () => {
    expect(suggestMapping(['First name', 'Last Name', 'E-mail', 'Email', 'Phone number', 'Company', 'Owner', 'Full name'], [])).toEqual([
      field('firstName'), field('lastName'), field('email'), field('additionalEmails'), field('phone'), field('company'), field('ownerEmail'), field('fullName'),
    ]);
  });

  it("maps the exporter's canonical headers exactly", () => {
    const headers = [
      'id', 'firstName', 'lastName', 'company', 'email', 'phone', 'whatsappUserId', 'additionalEmails', 'additionalPhones', 'ownerEmail',
      'externalRefId', 'playbook', 'stage', 'consent.transactionalWhatsapp', 'consent.transactionalEmail', 'consent.marketingWhatsapp',
      'consent.marketingEmail', 'attr.postal_code', 'attr.tier', 'attr.gone', 'source', 'sourceDetail', 'createdAt', 'updatedAt',
    ];
    expect(suggestMapping(headers, ATTRIBUTES)).toEqual([
      field('id'), field('firstName'), field('lastName'), field('company'), field('email'), field('phone'), field('whatsappUserId'),
      field('additionalEmails'), field('additionalPhones'), field('ownerEmail'), field('externalRefId'), field('playbook'), field('stage'),
      { kind: 'consent', consent: 'transactionalWhatsapp' }, { kind: 'consent', consent: 'transactionalEmail' },
      { kind: 'consent', consent: 'marketingWhatsapp' }, { kind: 'consent', consent: 'marketingEmail' },
      { kind: 'attribute', key: 'postal_code' }, { kind: 'attribute', key: 'tier' }, IGNORE,
      // `source` is set by the import itself; createdAt/updatedAt are the server's.
      IGNORE, field('sourceDetail'), IGNORE, IGNORE,
    ]);
  });

  it('maps attributes by key or label, and a repeated column only once', () => {
    expect(suggestMapping(['Código Postal', 'TIER', 'fecha de nacimiento', 'Nivel de cliente', 'Nombre', 'Nombre (2)', 'Email', 'Email (2)'], ATTRIBUTES)).toEqual([
      { kind: 'attribute', key: 'postal_code' }, { kind: 'attribute', key: 'tier' }, { kind: 'attribute', key: 'birthday' }, IGNORE,
      field('firstName'), IGNORE, field('email'), field('additionalEmails'),
    ]);
  });

  it('ignores what it does not know, including empty and generated names', () => {
    expect(suggestMapping(['', 'column_3', 'Observaciones', 'consent.unknown', 'attr.'], ATTRIBUTES)).toEqual([IGNORE, IGNORE, IGNORE, IGNORE, IGNORE]);
  });
});
