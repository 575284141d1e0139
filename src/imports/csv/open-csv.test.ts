import fc from 'fast-check';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { bytesSource, csvField, lineOfOffset, readAll } from './csv-sources.test-helpers.ts';
import { openCsv } from './open-csv.ts';
import { SNIFF_BYTES } from './sniff.ts';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('openCsv: encoding', () => {
  it('reads a Spanish Excel file (windows-1252, `;`, CRLF) and says so', async () => {
    const file = iconv.encode('Nombre;Apellidos;Importe\r\nMaría;Núñez Ibáñez;1.234,50 €\r\n', 'windows-1252');
    const read = await readAll(file);
    expect(read).toMatchObject({ encoding: 'windows-1252', delimiter: ';', headers: ['Nombre', 'Apellidos', 'Importe'] });
    expect(read.records).toEqual([{ row: 1, line: 2, values: ['María', 'Núñez Ibáñez', '1.234,50 €'] }]);
  });

  it('recognises UTF-16 by its BOM, and UTF-16 without one by its NUL bytes', async () => {
    const body = 'Nombre\tCiudad\nÁlvaro\tA Coruña\n';
    for (const [bytes, expected] of [
      [iconv.encode(body, 'utf-16be', { addBOM: true }), 'utf-16be'],
      [iconv.encode(body, 'utf-16le', { addBOM: true }), 'utf-16le'],
      [iconv.encode(body, 'utf-16le'), 'utf-16le'],
      [iconv.encode(body, 'utf-16be'), 'utf-16be'],
    ] as const) {
      const read = await readAll(bytes, {}, 3);
      expect(read.encoding).toBe(expected);
      expect(read.records).toEqual([{ row: 1, line: 2, values: ['Álvaro', 'A Coruña'] }]);
    }
  });

  it('keeps UTF-8 when the 64 KB sample ends in the middle of a character', async () => {
    // "ñ" is two bytes; pad so its first byte is the last byte of the sample.
    const header = 'nota\n';
    const pad = 'a'.repeat(SNIFF_BYTES - header.length - 1);
    const file = utf8(`${header}${pad}ñ\n`);
    expect(file[SNIFF_BYTES - 1]).toBe(0xc3);
    const read = await readAll(file);
    expect(read.encoding).toBe('utf-8');
    expect(read.records).toEqual([{ row: 1, line: 2, values: [`${pad}ñ`] }]);
  });

  it('turns bytes that do not decode into an encoding_unknown error record, not mojibake', async () => {
    // ASCII in the sample, so UTF-8 is chosen; a windows-1252 "é" (0xE9) comes after it.
    const head = `id,nombre\n${'1,abc\n'.repeat(12_000)}`;
    const file = Buffer.concat([utf8(head), Buffer.from([0x32, 0x2c, 0x4a, 0x6f, 0x73, 0xe9, 0x0a]), utf8('3,ok\n')]);
    const read = await readAll(file);
    expect(read.encoding).toBe('utf-8');
    const last = read.records.slice(-2);
    expect(last).toEqual([
      { row: 12_001, line: 12_002, error: { code: 'encoding_unknown', message: expect.stringContaining('column "nombre"') } },
      { row: 12_002, line: 12_003, values: ['3', 'ok'] },
    ]);
  });

  it('lets an override win over the sniff', async () => {
    const file = iconv.encode('a;b\r\nñ;x\r\n', 'windows-1252');
    const read = await readAll(file, { encoding: 'windows-1252', delimiter: ',' });
    expect(read).toMatchObject({ encoding: 'windows-1252', delimiter: ',', headers: ['a;b'] });
    expect(read.records).toEqual([{ row: 1, line: 2, values: ['ñ;x'] }]);
  });

  it('refuses a delimiter csv-parse cannot use', async () => {
    await expect(openCsv(bytesSource(utf8('a,b\n')), { delimiter: '"' })).rejects.toThrow(RangeError);
    await expect(openCsv(bytesSource(utf8('a,b\n')), { delimiter: ';;' })).rejects.toThrow(RangeError);
  });
});

describe('openCsv: delimiter and structure', () => {
  it('sniffs the delimiter on the header, outside quotes', async () => {
    expect((await readAll(utf8('"a;b",c,d\n1,2,3\n'))).delimiter).toBe(',');
    expect((await readAll(utf8('a|b|c\n1|2|3\n'))).delimiter).toBe('|');
    expect((await readAll(utf8('\n\nNombre;Email\nAna;a@x.es\n'))).delimiter).toBe(';');
    // An unquoted `;` in a comma file's data does not split fields.
    const read = await readAll(utf8('a,b\nx;y,z\n'));
    expect(read.records).toEqual([{ row: 1, line: 2, values: ['x;y', 'z'] }]);
  });

  it("follows Excel's sep= line and does not take it for the header", async () => {
    const read = await readAll(utf8('sep=;\r\nNombre;Notas, varias\r\nAna;a, b\r\n'));
    expect(read).toMatchObject({ delimiter: ';', headers: ['Nombre', 'Notas, varias'] });
    expect(read.records).toEqual([{ row: 1, line: 3, values: ['Ana', 'a, b'] }]);
    // An override still wins, and the line is still skipped.
    const tab = await readAll(utf8('\uFEFFsep=|\nA\tB\n1\t2\n'), { delimiter: '\t' });
    expect(tab).toMatchObject({ delimiter: '\t', headers: ['A', 'B'] });
  });

  it('reads CRLF, LF and CR files, even mixed, and counts quoted line breaks once per line', async () => {
    const file = utf8('a,b\r\n1,"x\r\ny"\n2,3\r"4\n\n5",6\r\n7,8');
    const read = await readAll(file, {}, 1);
    expect(read.records).toEqual([
      { row: 1, line: 2, values: ['1', 'x\r\ny'] },
      { row: 2, line: 4, values: ['2', '3'] },
      { row: 3, line: 5, values: ['4\n\n5', '6'] },
      { row: 4, line: 8, values: ['7', '8'] },
    ]);
  });

  it('skips empty lines and Excel blank rows; rows count data records only', async () => {
    const read = await readAll(utf8('\r\na;b;c\r\n\r\n1;2;3\r\n;;\r\n  ; ;\r\n4;5;6\r\n\r\n'));
    expect(read.headers).toEqual(['a', 'b', 'c']);
    expect(read.records).toEqual([
      { row: 1, line: 4, values: ['1', '2', '3'] },
      { row: 2, line: 7, values: ['4', '5', '6'] },
    ]);
  });

  it('trims headers and names empty and repeated ones', async () => {
    const read = await readAll(utf8(' Email ,,Email,Email (2),email\n'));
    expect(read.headers).toEqual(['Email', 'column_2', 'Email (2)', 'Email (2) (2)', 'email (3)']);
    expect(read.records).toEqual([]);
  });

  it('gives NFC values and takes off the exporter’s formula guard', async () => {
    // "José Núñez" as macOS writes it: base letters followed by combining accents.
    const decomposed = 'Jose\u0301 Nu\u0301n\u0303ez';
    expect(decomposed).not.toBe('José Núñez');
    const read = await readAll(utf8(`a,b,c,d,e\n${decomposed},'+34 612 345 678,''=x,'abc,"'-1"\n`));
    expect(read.records).toEqual([{ row: 1, line: 2, values: ['José Núñez', '+34 612 345 678', "'=x", "'abc", '-1'] }]);
  });

  it('an empty file has no headers and no records', async () => {
    expect(await readAll(Buffer.alloc(0))).toMatchObject({ headers: [], records: [] });
    expect(await readAll(utf8('\n\r\n'))).toMatchObject({ headers: [], records: [] });
  });

  it('close() lets a caller read only the headers', async () => {
    const opened = await openCsv(bytesSource(utf8(`a,b\n${'1,2\n'.repeat(50_000)}`), 1024));
    expect(opened.headers).toEqual(['a', 'b']);
    await opened.close();
    const rest: unknown[] = [];
    for await (const r of opened.records) rest.push(r);
    expect(rest).toEqual([]);
  });
});

describe('R24: ragged rows and unclosed quotes are reported on their row and line', () => {
  const cell = fc.stringMatching(/^[a-zñ ;,"\r\n]{0,6}$/);

  it('a row with the wrong column count is an error record and reading goes on', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ values: fc.array(cell, { minLength: 3, maxLength: 3 }), ragged: fc.constantFrom(0, 0, 0, 1, 2, 4) }), { minLength: 1, maxLength: 15 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        async (rows, eol) => {
          let text = `a;b;c${eol}`;
          const expected: unknown[] = [];
          rows.forEach((r, i) => {
            // A ragged row has a column count other than 3; its first value is never blank.
            const values = r.ragged ? ['x', ...r.values].slice(0, r.ragged) : ['k', ...r.values.slice(1)];
            const line = lineOfOffset(text, text.length);
            text += values.map((v) => csvField(v, ';', false)).join(';') + eol;
            expected.push(
              r.ragged
                ? { row: i + 1, line, error: { code: 'CSV_RECORD_INCONSISTENT_COLUMNS', message: expect.any(String) } }
                : { row: i + 1, line, values },
            );
          });
          const read = await readAll(utf8(text), {}, 5);
          expect(read.records).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an unclosed quote is CSV_QUOTE_NOT_CLOSED on the record where it opens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.stringMatching(/^[a-z;\r\n]{0,5}$/), { minLength: 2, maxLength: 2 }), { maxLength: 10 }), async (rows) => {
        let text = 'a,b\r\n';
        for (const r of rows) text += `k,${csvField(r.join(''), ',', false)}\r\n`;
        const line = lineOfOffset(text, text.length);
        text += 'k,"never closed\r\nmore,rows\r\n';
        const read = await readAll(utf8(text), {}, 7);
        expect(read.records).toHaveLength(rows.length + 1);
        expect(read.records.at(-1)).toEqual({ row: rows.length + 1, line, error: { code: 'CSV_QUOTE_NOT_CLOSED', message: expect.any(String) } });
      }),
      { numRuns: 100 },
    );
  });
});

describe('openCsv: the source', () => {
  it('a source that fails mid-file throws from the records (an IO error is not a data error)', async () => {
    const failing = () => {
      let reads = 0;
      return new Readable({
        read() {
          if (++reads < 5) this.push(Buffer.from(reads === 1 ? 'a,b\n' : '1,2\n'.repeat(20_000)));
          else this.destroy(new Error('disk gone'));
        },
      });
    };
    const opened = await openCsv(failing);
    let rows = 0;
    await expect(async () => {
      for await (const r of opened.records) if ('values' in r) rows++;
    }).rejects.toThrow('disk gone');
    expect(rows).toBeGreaterThan(0);
  });

  it('breaking out of the records closes the source', async () => {
    const streams: Readable[] = [];
    const source = () => {
      const s = bytesSource(utf8(`a,b\n${'1,2\n'.repeat(100_000)}`), 4096)() as Readable;
      streams.push(s);
      return s;
    };
    const opened = await openCsv(source);
    for await (const r of opened.records) if (r.row === 10) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(streams).toHaveLength(2); // sniff, then the stream
    expect(streams.every((s) => s.destroyed)).toBe(true);
  });

  it('a header that does not decode is reported as row 0', async () => {
    const file = Buffer.concat([utf8('id,'), Buffer.from([0xff, 0xfe, 0x41]), utf8('\n1,2\n')]);
    const read = await readAll(file, { encoding: 'utf-8' });
    expect(read.records).toEqual([
      { row: 0, line: 1, error: { code: 'encoding_unknown', message: expect.stringContaining('the header') } },
      { row: 1, line: 2, values: ['1', '2'] },
    ]);
  });

  it('a quote left open in a large file stops at 4 MiB with CSV_MAX_RECORD_SIZE on its record, not at the end of the file', async () => {
    const file = utf8(`a,b\n1,2\n3,"never closed\n${'x,y\n'.repeat(1_500_000)}`);
    const read = await readAll(file);
    expect(read.records).toEqual([
      { row: 1, line: 2, values: ['1', '2'] },
      { row: 2, line: 3, error: { code: 'CSV_MAX_RECORD_SIZE', message: expect.any(String) } },
    ]);
  });
});
