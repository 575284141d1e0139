import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseBoolean, parseDate, parseMultiSelect, parseNumber, parseSelect, splitFullName, splitMultiValue,
} from './cell-values.ts';

const errorCode = (r: { value: unknown } | { error: { code: string } }) => ('error' in r ? r.error.code : null);

describe('parseBoolean (consents)', () => {
  it('reads Spanish and English yes/no words; empty is "not given"', () => {
    for (const yes of ['sí', 'Sí', 'SI', 'si', 'yes', 'TRUE', 'true', '1', 'x', 'X', ' s ']) expect(parseBoolean(yes), yes).toEqual({ value: true });
    for (const no of ['no', 'NO', 'false', 'False', '0', 'n']) expect(parseBoolean(no), no).toEqual({ value: false });
    expect(parseBoolean('  ')).toEqual({ value: null });
    expect(errorCode(parseBoolean('quizá'))).toBe('invalid_boolean');
  });
});

describe('parseDate', () => {
  it('reads dd/mm/yyyy for es and mm/dd/yyyy for en-US, ISO for both', () => {
    expect(parseDate('03/04/2025', 'es-ES')).toEqual({ value: '2025-04-03' });
    expect(parseDate('03/04/2025', 'en-US')).toEqual({ value: '2025-03-04' });
    expect(parseDate('03/04/2025', 'en-GB')).toEqual({ value: '2025-04-03' });
    expect(parseDate('2025-04-03', 'en-US')).toEqual({ value: '2025-04-03' });
    expect(parseDate('2025-04-03T10:20:00Z', 'es')).toEqual({ value: '2025-04-03' });
    expect(parseDate('2025/4/3', 'es')).toEqual({ value: '2025-04-03' });
    expect(parseDate('3/4/25', 'es')).toEqual({ value: '2025-04-03' });
    expect(parseDate('3-4-99', 'es')).toEqual({ value: '1999-04-03' });
    expect(parseDate('3.4.2025', 'es')).toEqual({ value: '2025-04-03' });
    expect(parseDate('03/04/2025 14:30', 'es')).toEqual({ value: '2025-04-03' });
    expect(parseDate('29/02/2024', 'es')).toEqual({ value: '2024-02-29' });
    expect(parseDate('', 'es')).toEqual({ value: null });
  });

  it('rejects impossible and unreadable dates', () => {
    for (const bad of ['31/02/2025', '29/02/2025', '00/01/2025', '12/13/2025', '2025-02-30', '2025-13-01']) {
      expect(errorCode(parseDate(bad, 'es')), bad).toBe('impossible_date');
    }
    for (const bad of ['mañana', '3/4', '03/04-2025', '2025-04', '1e5']) expect(errorCode(parseDate(bad, 'es')), bad).toBe('invalid_date');
  });

  it('any real day written dd/mm/yyyy (es) or mm/dd/yyyy (en-US) reads back as that day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = iso.split('-');
        expect(parseDate(`${d}/${m}/${y}`, 'es')).toEqual({ value: iso });
        expect(parseDate(`${Number(m)}/${Number(d)}/${y}`, 'en-US')).toEqual({ value: iso });
      }),
    );
  });
});

describe('parseNumber', () => {
  it('reads the es decimal comma and thousands dots, and the en notation', () => {
    expect(parseNumber('1.234,56', 'es-ES')).toEqual({ value: 1234.56 });
    expect(parseNumber('1234,5', 'es')).toEqual({ value: 1234.5 });
    expect(parseNumber('-0,5', 'es')).toEqual({ value: -0.5 });
    expect(parseNumber('1.234.567', 'es')).toEqual({ value: 1234567 });
    expect(parseNumber('1 234,5', 'es')).toEqual({ value: 1234.5 });
    expect(parseNumber('08001', 'es')).toEqual({ value: 8001 });
    expect(parseNumber('1,234.56', 'en-US')).toEqual({ value: 1234.56 });
    expect(parseNumber('', 'es')).toEqual({ value: null });
  });

  it('rejects what is ambiguous or not a number', () => {
    for (const bad of ['1.5', '1,234.5', '12.34', 'abc', '1,2,3', '€5', '--1']) expect(errorCode(parseNumber(bad, 'es')), bad).toBe('invalid_number');
    for (const bad of ['1,5', '1.234,5']) expect(errorCode(parseNumber(bad, 'en')), bad).toBe('invalid_number');
  });

  it('reads back what Intl writes for es-ES and en-US', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const n = whole + Math.sign(whole || 1) * cents / 100;
        for (const locale of ['es-ES', 'en-US']) {
          const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
          const read = parseNumber(text, locale);
          expect('value' in read ? read.value : read, `${locale} ${text}`).toBeCloseTo(n, 6);
        }
      }),
    );
  });
});

describe('parseSelect and parseMultiSelect', () => {
  const options = [{ value: 'high', label: 'Alta' }, { value: 'low', label: 'Baja' }, { value: 'mid', label: 'Media prioridad' }];
  it('accepts a value or a label, any case, with or without accents', () => {
    expect(parseSelect('ALTA', options)).toEqual({ value: 'high' });
    expect(parseSelect(' high ', options)).toEqual({ value: 'high' });
    expect(parseSelect('média  PRIORIDAD', options)).toEqual({ value: 'mid' });
    expect(parseSelect('', options)).toEqual({ value: null });
    expect(errorCode(parseSelect('Urgente', options))).toBe('unknown_option');
  });
  it('splits multi-selects and refuses one bad option', () => {
    expect(parseMultiSelect('Alta|baja; alta', options)).toEqual({ value: ['high', 'low'] });
    expect(errorCode(parseMultiSelect('Alta|Urgente', options))).toBe('unknown_option');
  });
});

describe('splitMultiValue', () => {
  it('splits on | ; , and line breaks, trims and drops repeats', () => {
    expect(splitMultiValue(' a@x.es | b@x.es;c@x.es , a@x.es\r\nd@x.es ')).toEqual(['a@x.es', 'b@x.es', 'c@x.es', 'd@x.es']);
    expect(splitMultiValue('+34 612 345 678|+34 699 000 111')).toEqual(['+34 612 345 678', '+34 699 000 111']);
    expect(splitMultiValue(' ; | ')).toEqual([]);
  });
});

describe('splitFullName', () => {
  it('Spanish: the last two units are the surnames', () => {
    expect(splitFullName('María José García López')).toEqual({ firstName: 'María José', lastName: 'García López' });
    expect(splitFullName('Juan García López')).toEqual({ firstName: 'Juan', lastName: 'García López' });
    expect(splitFullName('Lucía García')).toEqual({ firstName: 'Lucía', lastName: 'García' });
    expect(splitFullName('  Cher ')).toEqual({ firstName: 'Cher', lastName: null });
    expect(splitFullName('Juan de la Torre Pérez')).toEqual({ firstName: 'Juan', lastName: 'de la Torre Pérez' });
    expect(splitFullName('María del Carmen Pérez Gómez')).toEqual({ firstName: 'María del Carmen', lastName: 'Pérez Gómez' });
  });
  it('the comma form is "surnames, given names"', () => {
    expect(splitFullName('García López, María José')).toEqual({ firstName: 'María José', lastName: 'García López' });
  });
  it('English: the last unit is the surname', () => {
    expect(splitFullName('Mary Ann Smith', 'en-GB')).toEqual({ firstName: 'Mary Ann', lastName: 'Smith' });
    expect(splitFullName('Ludwig van Beethoven', 'en')).toEqual({ firstName: 'Ludwig', lastName: 'van Beethoven' });
  });
  it('never loses a word', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('María', 'José', 'de', 'la', 'García', 'y', 'López', 'Ñuño'), { maxLength: 7 }), fc.constantFrom('es', 'en'), (words, locale) => {
        const { firstName, lastName } = splitFullName(words.join(' '), locale);
        expect([firstName, lastName ?? ''].join(' ').trim().split(/\s+/).filter(Boolean)).toEqual(words);
      }),
    );
  });
});
