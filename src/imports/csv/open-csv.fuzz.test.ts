import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, exporterEscape, lineOfOffset, readAll } from './csv-sources.test-helpers.ts';
import type { CsvEncoding, CsvRecord } from './open-csv.ts';

/** What every read must satisfy whatever the bytes: rows in order, each record values of the header's width or an error. */
function expectAccounted(headers: string[], records: CsvRecord[]) {
  let expectedRow = records[0]?.row === 0 ? 0 : 1; // row 0: a problem with the header itself
  for (const r of records) {
    expect(r.row).toBe(expectedRow++);
    expect(r.line).toBeGreaterThanOrEqual(1);
    if ('values' in r) {
      expect(r.values).toHaveLength(headers.length);
      for (const v of r.values) expect(v).not.toContain('\uFFFD');
    } else {
      expect(r.error.code).toMatch(/^(CSV_[A-Z_]+|encoding_unknown)$/);
      expect(r.error.message).not.toBe('');
    }
  }
}

describe('openCsv fuzz: hostile input never throws and every record is accounted for', () => {
  it('random bytes, any encoding or delimiter, cut anywhere: the same records whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 400 }),
        fc.option(fc.constantFrom<CsvEncoding>('utf-8', 'windows-1252', 'utf-16le', 'utf-16be'), { nil: undefined }),
        fc.option(fc.constantFrom(',', ';', '\t', '|', 'x'), { nil: undefined }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, encoding, delimiter, chunk) => {
          const whole = await readAll(Buffer.from(bytes), { encoding, delimiter });
          expectAccounted(whole.headers, whole.records);
          const cut = await readAll(Buffer.from(bytes), { encoding, delimiter }, chunk);
          expect(cut).toEqual(whole);
        },
      ),
      // Found by this property in CI: U+10000 in UTF-16LE cut between chunks came out as two U+FFFD.
      { numRuns: 1000, examples: [[Uint8Array.from([0x00, 0xd8, 0x00, 0xdc]), 'utf-16le', undefined, 1]] },
    );
  });

  it('hostile CSV (formulas, quotes, NUL, BOM, U+FFFD, wrong widths, blank rows): exactly the expected records', async () => {
    const payload = fc.constantFrom(
      '=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", '@SUM(1+1)', '+1+1', '-2+3', '\t=1+1', '\r=1+1', '"=1"', ';=1',
      "'", "''=x", '\0', '\uFEFF', '\uFFFD', '"', '""', '\r', '\n', '\r\n', ',', ' ', '',
    );
    const value = fc.array(fc.oneof(payload, fc.constantFrom('a', 'ñ', 'ü', '€', '0')), { maxLength: 4 }).map((p) => p.join(''));
    const row = fc.oneof({ weight: 6, arbitrary: fc.array(value, { minLength: 1, maxLength: 5 }) }, { weight: 1, arbitrary: fc.constant([] as string[]) });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 25 }), fc.constantFrom('\r\n', '\n'), fc.boolean(), async (rows, eol, quoteAll) => {
        let text = `h1,h2,h3${eol}`;
        const expected: CsvRecord[] = [];
        for (const values of rows) {
          const escaped = values.map(exporterEscape);
          const line = lineOfOffset(text, text.length);
          text += escaped.map((v) => csvField(v, ',', quoteAll)).join(',') + eol;
          // Oracle: blank rows are skipped, then width, then undecodable text, else the values.
          if (escaped.every((v) => v.trim() === '')) continue;
          const row = expected.length + 1;
          if (values.length !== 3) expected.push({ row, line, error: { code: 'CSV_RECORD_INCONSISTENT_COLUMNS', message: expect.any(String) } });
          else if (values.some((v) => v.includes('\uFFFD'))) expected.push({ row, line, error: { code: 'encoding_unknown', message: expect.any(String) } });
          else expected.push({ row, line, values });
        }
        const read = await readAll(Buffer.from(text, 'utf8'), { encoding: 'utf-8' }, 13);
        expect(read.headers).toEqual(['h1', 'h2', 'h3']);
        expect(read.records).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
