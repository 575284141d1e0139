import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { escapeCell } from './csv-cell.ts';

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** A cell: text (escaped by R21), or a typed value written as is (numbers, booleans, empty). */
export type Cell = string | number | boolean | null;

/** A cell as it goes to csv-stringify: text escaped, booleans spelt out, null empty. */
export function formatCell(cell: Cell): string | number {
  if (cell === null) return '';
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return escapeCell(cell);
}

/**
 * The CSV stream: UTF-8 with BOM (Excel detects the encoding), CRLF after every record, the
 * chosen delimiter, and RFC 4180 quoting (a field with the delimiter, `"`, CR or LF is quoted,
 * `"` doubled; csv-stringify does not quote CR/LF by itself, hence `quoted_match`).
 */
export function csvStringifier(delimiter: Delimiter): Transform {
  return stringify({ delimiter, record_delimiter: '\r\n', bom: true, quoted_match: /[\r\n]/ });
}

/** Rows (header first) → a readable CSV stream, pulled as it is read (memory stays flat). */
export function csvStream(rows: AsyncIterable<Cell[]> | Iterable<Cell[]>, delimiter: Delimiter): Readable {
  const out = csvStringifier(delimiter);
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield row.map(formatCell);
    })(),
  );
  // pipeline: an error while reading rows ends the output with that error (never a silent cut).
  pipeline(source, out).catch(() => undefined);
  return out;
}

/** The whole CSV as one string (tests, small exports). */
export async function csvText(rows: AsyncIterable<Cell[]> | Iterable<Cell[]>, delimiter: Delimiter): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of csvStream(rows, delimiter)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}
