import { Readable } from 'node:stream';
import { openCsv, type CsvRecord, type OpenCsvOptions, type OpenedCsv } from './open-csv.ts';

/** A re-openable source over bytes, cut in chunks of `chunkSize` (1 byte shakes out split characters and CRLFs). */
export function bytesSource(bytes: Buffer, chunkSize = 64 * 1024): () => NodeJS.ReadableStream {
  return () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunkSize) parts.push(bytes.subarray(i, i + chunkSize));
    return Readable.from(parts);
  };
}

/** Opens and reads every record: fine for the small files of the tests, never for real imports. */
export async function readAll(
  bytes: Buffer,
  opts: OpenCsvOptions = {},
  chunkSize?: number,
): Promise<Omit<OpenedCsv, 'records' | 'close'> & { records: CsvRecord[] }> {
  const opened = await openCsv(bytesSource(bytes, chunkSize), opts);
  const records: CsvRecord[] = [];
  for await (const r of opened.records) records.push(r);
  return { encoding: opened.encoding, delimiter: opened.delimiter, headers: opened.headers, records };
}

/** The physical line (1-based) of a character offset, counting CRLF, LF and CR once each. */
export function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split(/\r\n|\r|\n/).length;
}

/** R21 escape as our exporter writes it: one more `'` before any run of `'` that ends in a trigger. */
export const exporterEscape = (text: string): string => (/^'*[=+\-@\t\r\n\0]/.test(text) ? `'${text}` : text);

/** One RFC 4180 field: quoted when it must be (or always), embedded quotes doubled. */
export function csvField(value: string, delimiter: string, quoteAll: boolean): string {
  const must = value.includes(delimiter) || /["\r\n]/.test(value);
  return quoteAll || must ? `"${value.replace(/"/g, '""')}"` : value;
}
