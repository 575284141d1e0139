import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailKey, normaliseEmail, normalisePhone, normaliseName, normaliseWhatsappUserId } from './identifiers.ts';

describe('normalisePhone', () => {
  it.each([
    ['+34 612 34 56 78', 'ES', '+34612345678'],
    ['0034612345678', 'ES', '+34612345678'],
    ['0034 612 34 56 78', 'ES', '+34612345678'],
    ['612345678', 'ES', '+34612345678'],
    ['612-34-56-78', 'ES', '+34612345678'],
    ['(612) 345 678', 'ES', '+34612345678'],
    ['91 123 45 67', 'ES', '+34911234567'],
    ['55 1234 5678', 'MX', '+525512345678'],
    ['+52 55 1234 5678', 'ES', '+525512345678'],
    ['011 15-2345-6789', 'AR', '+5491123456789'],
    ['300 1234567', 'CO', '+573001234567'],
    ['(11) 91234-5678', 'BR', '+5511912345678'],
  ])('parses %s with default country %s as %s', (input, country, expected) => {
    expect(normalisePhone(input, country)).toEqual({ ok: true, value: expected });
  });

  it.each([['612 34 56'], ['abc'], [''], ['+1'], ['+34 12'], ['0'.repeat(41)], ['+3461234567890123']])('rejects %j', (input) => {
    expect(normalisePhone(input, 'ES')).toMatchObject({ ok: false, code: 'invalid_phone' });
  });

  it('never throws and is idempotent on any string or value', () => {
    let accepted = 0;
    // Random strings are almost never valid numbers: mix in typed numbers of several countries.
    const phoneLike = fc
      .tuple(fc.constantFrom('+34 6', '6', '0034 71', '+52 55 ', '55 ', '(11) 9', '300 ', '+44 7700 '), fc.stringMatching(/^[0-9]{5,9}$/))
      .map(([prefix, digits]) => prefix + digits);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything(), phoneLike), fc.constantFrom('ES', 'MX', 'AR', 'CO', 'BR', 'ZZ'), (input, country) => {
        const r = normalisePhone(input, country);
        if (r.ok) {
          accepted++;
          expect(r.value).toMatch(/^\+[1-9]\d{6,14}$/);
          expect(normalisePhone(r.value, country)).toEqual(r);
        } else expect(r.code).toBe('invalid_phone');
      }),
      { numRuns: 3000 },
    );
    // The idempotence branch must have run, or the property said nothing about it.
    expect(accepted).toBeGreaterThan(20);
  });

  it('round-trips generated Spanish mobiles typed in any of the three forms', () => {
    // Spanish mobile ranges: 6, and 70–74 and 78 (75–77 and 79 are not assigned to mobiles).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom('6', '70', '71', '72', '73', '74', '78'), fc.constantFrom('plain', 'intl', '00'), (n, prefix, form) => {
        const national = `${prefix}${String(n).padStart(9 - prefix.length, '0')}`.slice(0, 9);
        const typed = form === 'plain' ? national : form === 'intl' ? `+34 ${national}` : `0034${national}`;
        expect(normalisePhone(typed, 'ES')).toEqual({ ok: true, value: `+34${national}` });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('normaliseEmail', () => {
  it.each([
    [' Juan@Example.COM ', 'Juan@example.com'],
    ['maría.lópez@correo.es', 'maría.lópez@correo.es'],
    ['x@MÜNCHEN.de', 'x@münchen.de'],
    ['first.last+tag@sub.domain.co', 'first.last+tag@sub.domain.co'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseEmail(input)).toEqual({ ok: true, value: expected });
  });

  it.each([['a@b'], ['@x.com'], ['x@'], ['a..b@c.com'], ['a b@c.com'], ['a@-x.com'], ['a@x.123'], [`${'a'.repeat(65)}@x.com`], ['plainaddress']])('rejects %j', (input) => {
    expect(normaliseEmail(input).ok).toBe(false);
  });

  it('is total and idempotent', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.emailAddress(), fc.anything()), (input) => {
        const r = normaliseEmail(input);
        if (r.ok) {
          accepted++;
          expect(normaliseEmail(r.value)).toEqual(r);
          expect(r.value.length).toBeLessThanOrEqual(254);
        }
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('accepts generated valid addresses and keys them case-insensitively', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const r = normaliseEmail(email);
        expect(r.ok).toBe(true);
        const shouted = normaliseEmail(email.toUpperCase());
        expect(shouted.ok).toBe(true);
        if (r.ok && shouted.ok) expect(emailKey(shouted.value)).toBe(emailKey(r.value));
      }),
      { numRuns: 500 },
    );
  });
});

describe('names and WhatsApp ids', () => {
  it('stores names NFC-normalised, trimmed, with single spaces', () => {
    expect(normaliseName('  Jose\u0301   García  ')).toBe('José García');
  });
  it('accepts WhatsApp user ids and rejects spaces or empty values', () => {
    expect(normaliseWhatsappUserId('wa.user_123')).toEqual({ ok: true, value: 'wa.user_123' });
    expect(normaliseWhatsappUserId('has space').ok).toBe(false);
    expect(normaliseWhatsappUserId('').ok).toBe(false);
    expect(normaliseWhatsappUserId(42).ok).toBe(false);
  });
});
