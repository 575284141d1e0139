import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csvField, exporterEscape, readAll } from './csv-sources.test-helpers.ts';
import type { CsvEncoding } from './open-csv.ts';

/**
 * R22 matrix: random Spanish records written in every encoding × delimiter × EOL × quoting a real
 * file comes in, read back equal, with the encoding and delimiter detected (no override).
 */
const HEADERS = ['Nombre', 'Apellidos', 'Código postal', 'Notas', 'Teléfono'];

// Tokens rather than single characters so CRLF stays a pair and the hostile pieces come up often.
const SPANISH = ['ñ', 'á', 'é', 'í', 'ó', 'ú', 'ü', 'Ñ', 'ç', '€', '¿', '¡', 'Á', 'É', 'Ü', 'a', 'Z', 'o', ' '];
const HOSTILE = [';', ',', '"', '\r\n', '\n', '\t', "'", '=', '+', '-', '@', '|', '""'];
const text = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPANISH) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) }), { maxLength: 12 })
  .map((t) => t.join(''));
const postalCode = fc.integer({ min: 1000, max: 52999 }).map((n) => String(n).padStart(5, '0'));
const phone = fc.constantFrom('+34 612 345 678', '612345678', '0034612345678', '-', '');
const record = fc.tuple(text, text, postalCode, text, phone).map((r) => [...r]);

type Encoding = { name: string; bytes: (s: string) => Buffer; expect: CsvEncoding };
const ENCODINGS: Encoding[] = [
  { name: 'UTF-8', bytes: (s) => Buffer.from(s, 'utf8'), expect: 'utf-8' },
  { name: 'UTF-8+BOM', bytes: (s) => Buffer.from(`\uFEFF${s}`, 'utf8'), expect: 'utf-8' },
  { name: 'Windows-1252', bytes: (s) => iconv.encode(s, 'windows-1252'), expect: 'windows-1252' },
  { name: 'UTF-16LE+BOM', bytes: (s) => iconv.encode(s, 'utf-16le', { addBOM: true }), expect: 'utf-16le' },
];
const DELIMITERS = [',', ';', '\t'];
const EOLS = ['\r\n', '\n'];
const QUOTE_ALL = [false, true];

function serialise(rows: string[][], delimiter: string, eol: string, quoteAll: boolean): string {
  const line = (r: string[]) => r.map((v) => csvField(exporterEscape(v), delimiter, quoteAll)).join(delimiter);
  return [HEADERS, ...rows].map(line).join(eol) + eol;
}

describe('R22: real-world Spanish CSV files read back exactly', () => {
  it('every encoding × delimiter × EOL × quoting: same records, detected encoding and delimiter, no mojibake', async () => {
    let cells = 0;
    let mismatches = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (rows) => {
        for (const enc of ENCODINGS) {
          for (const delimiter of DELIMITERS) {
            for (const eol of EOLS) {
              for (const quoteAll of QUOTE_ALL) {
                cells++;
                const file = enc.bytes(serialise(rows, delimiter, eol, quoteAll));
                const read = await readAll(file);
                const where = `${enc.name} ${JSON.stringify(delimiter)} ${JSON.stringify(eol)} quoteAll=${quoteAll}`;
                if (read.encoding !== enc.expect || read.delimiter !== delimiter) mismatches++;
                expect({ encoding: read.encoding, delimiter: read.delimiter }, where).toEqual({ encoding: enc.expect, delimiter });
                expect(read.headers, where).toEqual(HEADERS);
                const values = read.records.map((r) => ('values' in r ? r.values : r));
                expect(values, where).toEqual(rows);
                for (const v of values.flat()) expect(String(v), where).not.toMatch(/[ÃÂ\uFFFD]/);
              }
            }
          }
        }
      }),
      { numRuns: 100 },
    );
    // 4 × 3 × 2 × 2 = 48 cells per run.
    expect(cells).toBe(48 * 100);
    expect(mismatches).toBe(0);
  }, 120_000);
});
