import { Readable, pipeline } from 'node:stream';
import { CsvError, Parser, type Options } from 'csv-parse';
import iconv from 'iconv-lite';
import { LineTracker } from './line-tracker.ts';
import type { CsvEncoding } from './sniff.ts';

/**
 * A record as it leaves csv-parse, before any meaning is given to it: raw values, or the error that
 * stopped the parse. `line` is the physical line where the record starts.
 */
export type RawItem =
  | { kind: 'values'; line: number; values: string[] }
  | { kind: 'error'; line: number; code: string; message: string };

/**
 * Bounds memory when a quote is never closed: without it, the rest of a 1 GB file would pile up
 * into one field. No real row is near 4 MiB.
 */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/**
 * Streams the file: bytes → UTF-8 bytes (decoded by iconv-lite unless they are UTF-8 already) →
 * csv-parse → items, one at a time, with backpressure (the generator only pulls when the consumer
 * asks).
 */
export async function* parseRecords(
  source: () => NodeJS.ReadableStream,
  encoding: CsvEncoding,
  delimiter: string,
): AsyncGenerator<RawItem> {
  const lines = new LineTracker();
  const parser = new OffsetParser({
    delimiter,
    // All three line endings, even mixed in one file (files pasted together); CRLF first so it
    // is one break, not CR then an empty line.
    record_delimiter: ['\r\n', '\n', '\r'],
    // Real files have stray quotes (`5" screen`, `"a"b`): keep them as text rather than stop the
    // whole import. The only quote error left is a quote never closed, reported at the end.
    relax_quotes: true,
    // We check the column count ourselves against the header, so a ragged row becomes an error
    // record and the stream goes on (csv-parse would otherwise stop at the first one).
    relax_column_count: true,
    // Empty lines come through as [''] so every byte belongs to a record and the start offset of
    // the next one stays right; openCsv skips them.
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_BYTES,
  });
  // Errors of the source (a file that cannot be read) reach us through the parser's iteration.
  pipeline(Readable.from(decodeToUtf8(source, encoding, lines)), parser, () => {});

  let recordStart = 0;
  try {
    for await (const item of parser as AsyncIterable<ParsedItem>) {
      const line = lines.lineAt(recordStart);
      if ('error' in item) {
        // The parse stops here (quote never closed, record too large): report it on the record it
        // belongs to. Nothing after it can be told apart reliably.
        yield { kind: 'error', line, code: item.error.code, message: item.error.message };
        return;
      }
      recordStart = item.end;
      yield { kind: 'values', line, values: item.values };
    }
  } finally {
    parser.destroy();
  }
}

type ParsedItem = { values: string[]; end: number } | { error: CsvError };

/**
 * csv-parse, with two changes made from outside (its options cannot do either):
 * - Each record carries its end offset. The `info: true` option gives that too, but copies about
 *   fifteen counters into two new objects per record; that garbage alone made V8 grow its heap by
 *   some 15 MB more on a large file. csv-parse sets `info.bytes` to the record's end right before
 *   it pushes the record, so reading it in `push` is exact.
 * - A parse error comes in band, after the records parsed before it. As a stream error it would
 *   destroy the stream, dropping the records still buffered (those of the same chunk at least),
 *   so rows before an unclosed quote would vanish from the report. Errors of the source stay
 *   stream errors and throw from the iteration: an unreadable file is not a data error.
 */
class OffsetParser extends Parser {
  constructor(options: Options) {
    super(options);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    const parsed: ParsedItem = { values: record as string[], end: this.info.bytes };
    return super.push(parsed, encoding);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    super._transform(chunk, encoding, (err) => this.inBand(err, callback));
  }

  override _flush(callback: (err?: Error | null) => void): void {
    super._flush((err) => this.inBand(err, callback));
  }

  private inBand(err: Error | null | undefined, callback: (err?: Error | null) => void): void {
    if (!(err instanceof CsvError)) return callback(err);
    // csv-parse stops parsing after an error (later chunks are ignored); end the output after it.
    super.push({ error: err } satisfies ParsedItem);
    super.push(null);
    callback();
  }
}

async function* decodeToUtf8(
  source: () => NodeJS.ReadableStream,
  encoding: CsvEncoding,
  lines: LineTracker,
): AsyncGenerator<Buffer> {
  const chunks = source() as AsyncIterable<Buffer | string>;
  const bytes = encoding === 'utf-8' ? passUtf8(chunks) : decodeAndReencode(chunks, encoding);
  for await (const buf of bytes) {
    lines.feed(buf);
    yield buf;
  }
}

const asBuffer = (chunk: Buffer | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);

/**
 * UTF-8 goes to csv-parse as it is (decoding and encoding again cost a third of the reading time).
 * Invalid bytes still surface as U+FFFD: csv-parse turns each whole field into a string, and
 * Node replaces every invalid sequence while doing so.
 */
async function* passUtf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (head === null) {
      yield asBuffer(chunk);
      continue;
    }
    // Hold the first bytes until we can tell whether they are a BOM, even from 1-byte chunks.
    head = Buffer.concat([head, asBuffer(chunk)]);
    if (head.length < 3) continue;
    const out: Buffer = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    head = null;
    if (out.length > 0) yield out;
  }
  if (head !== null && head.length > 0) yield head;
}

async function* decodeAndReencode(chunks: AsyncIterable<Buffer | string>, encoding: CsvEncoding): AsyncGenerator<Buffer> {
  // getDecoder strips a BOM for the BOM-aware codecs (UTF-16); it is stateful, so a byte sequence
  // split across two chunks decodes whole (a surrogate pair may still be cut: see heldHalf).
  const decoder = iconv.getDecoder(encoding);
  let first = true;
  // The decoder may end a chunk's text on the first half of a surrogate pair (a character outside
  // the BMP, cut between chunks in UTF-16). Re-encoded alone it would become U+FFFD, so it waits
  // for the next chunk's text, which starts with the other half.
  let heldHalf = '';
  const encode = (decoded: string, last: boolean): Buffer | null => {
    let text = heldHalf + decoded;
    heldHalf = '';
    const end = text.charCodeAt(text.length - 1);
    if (!last && end >= 0xd800 && end <= 0xdbff) {
      heldHalf = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (first && text.length > 0) {
      first = false;
      // An overridden encoding may leave a BOM the codec does not strip; it is never data.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // Lone surrogates (broken UTF-16) become U+FFFD here, so the FFFD check catches them too.
    return text.length > 0 ? Buffer.from(text, 'utf8') : null;
  };
  for await (const chunk of chunks) {
    const out = encode(decoder.write(asBuffer(chunk)), false);
    if (out) yield out;
  }
  const out = encode(decoder.end() ?? '', true);
  if (out) yield out;
}
