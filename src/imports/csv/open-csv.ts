import { parseRecords, type RawItem } from './parse-records.ts';
import { decodeSample, excelSepLine, readSample, sniffDelimiter, sniffEncoding, type CsvEncoding } from './sniff.ts';
import { cleanHeaders, cleanValue, isBlankRecord } from './cell-text.ts';

export type { CsvEncoding } from './sniff.ts';

/**
 * One data record. `row` counts data records from 1 (the header and blank lines do not count), so
 * it is the number a user sees in the error report; `line` is the physical line where the record
 * starts (a quoted line break makes a record span lines). `row: 0` is the header record.
 */
export type CsvRecord =
  | { row: number; line: number; values: string[] }
  | { row: number; line: number; error: { code: string; message: string } };

export type OpenCsvOptions = { encoding?: CsvEncoding; delimiter?: string };

export type OpenedCsv = {
  encoding: CsvEncoding;
  delimiter: string;
  headers: string[];
  /** One pass only. Iterating to the end (or breaking out of the loop) closes the source. */
  records: AsyncIterable<CsvRecord>;
  /** Closes the source without reading on, for a caller that only wanted the headers. */
  close: () => Promise<void>;
};

/** Error codes of our own; the parse errors keep csv-parse's codes (CSV_QUOTE_NOT_CLOSED …). */
export const CSV_RECORD_INCONSISTENT_COLUMNS = 'CSV_RECORD_INCONSISTENT_COLUMNS';
export const ENCODING_UNKNOWN = 'encoding_unknown';

/** A delimiter we can hand csv-parse: one character, not a quote or a line break. */
export function isValidDelimiter(delimiter: string): boolean {
  return [...delimiter].length === 1 && !['"', '\r', '\n'].includes(delimiter);
}

/**
 * Opens a CSV for import (R22, R23, R24). `source` is called twice: once to sniff the first
 * 64 KB, once to stream the whole file, so it must give a fresh stream each time (a file path
 * reopened, an upload saved to a temporary file). Nothing but the sample and the record being
 * read is held in memory.
 *
 * The records never throw for bad data: a ragged row, a value that did not decode, an unclosed
 * quote all come as error records, and the stream goes on after a ragged or undecodable row. An
 * unclosed quote (CSV_QUOTE_NOT_CLOSED at the end, or CSV_MAX_RECORD_SIZE once the open field
 * passes 4 MiB) is the last record: nothing after it can be told apart. A source that cannot be
 * read does throw. Excel's `sep=;` first line names the delimiter and is skipped.
 */
export async function openCsv(source: () => NodeJS.ReadableStream, opts: OpenCsvOptions = {}): Promise<OpenedCsv> {
  if (opts.delimiter !== undefined && !isValidDelimiter(opts.delimiter)) {
    throw new RangeError(`CSV delimiter must be one character other than a quote or a line break, got ${JSON.stringify(opts.delimiter)}`);
  }
  const { sample, complete } = await readSample(source);
  const encoding = opts.encoding ?? sniffEncoding(sample, complete);
  const sampleText = stripBom(decodeSample(sample, encoding));
  const sepLine = excelSepLine(sampleText);
  const delimiter = opts.delimiter ?? sepLine ?? sniffDelimiter(sampleText);

  const items = parseRecords(source, encoding, delimiter);
  // The `sep=` line is one record whatever the delimiter (it holds no quote); it is not the header.
  if (sepLine !== null) await items.next();
  const header = await firstNonBlank(items);

  let headers: string[] = [];
  let headerProblem: CsvRecord | null = null;
  if (header?.kind === 'values') {
    headers = cleanHeaders(header.values);
    if (header.values.some((v) => v.includes('\uFFFD'))) {
      headerProblem = { row: 0, line: header.line, error: encodingError('the header', encoding) };
    }
  } else if (header?.kind === 'error') {
    headerProblem = { row: 0, line: header.line, error: { code: header.code, message: header.message } };
  }

  async function* records(): AsyncGenerator<CsvRecord> {
    if (headerProblem) yield headerProblem;
    let row = 0;
    for await (const item of items) {
      if (item.kind === 'error') {
        yield { row: ++row, line: item.line, error: { code: item.code, message: item.message } };
        continue;
      }
      // Blank lines, and the `;;;;` rows Excel writes for blank rows, are not data.
      if (isBlankRecord(item.values)) continue;
      yield toRecord(++row, item.line, item.values, headers, encoding);
    }
  }

  return {
    encoding,
    delimiter,
    headers,
    records: records(),
    close: async () => {
      await items.return(undefined);
    },
  };
}

function toRecord(row: number, line: number, raw: string[], headers: string[], encoding: CsvEncoding): CsvRecord {
  if (raw.length !== headers.length) {
    // Same code and wording as csv-parse's own check, which we turn off to keep reading.
    return {
      row,
      line,
      error: {
        code: CSV_RECORD_INCONSISTENT_COLUMNS,
        message: `Invalid Record Length: expect ${headers.length}, got ${raw.length} on line ${line}`,
      },
    };
  }
  const bad = raw.findIndex((v) => v.includes('\uFFFD'));
  if (bad !== -1) {
    // R22: U+FFFD after decoding means bytes that are not text in this encoding; importing the
    // value would store mojibake.
    return { row, line, error: encodingError(`column "${headers[bad]}"`, encoding) };
  }
  return { row, line, values: raw.map(cleanValue) };
}

function encodingError(where: string, encoding: CsvEncoding) {
  return {
    code: ENCODING_UNKNOWN,
    message: `${where} holds bytes that are not valid ${encoding}; choose the file's encoding and import again`,
  };
}

async function firstNonBlank(items: AsyncGenerator<RawItem>): Promise<RawItem | null> {
  for (;;) {
    const next = await items.next();
    if (next.done) return null;
    if (next.value.kind === 'error' || !isBlankRecord(next.value.values)) return next.value;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
