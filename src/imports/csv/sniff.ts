import iconv from 'iconv-lite';

export type CsvEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/** How much of the file we look at to guess the encoding and the delimiter (R22). */
export const SNIFF_BYTES = 64 * 1024;

/** The delimiters we recognise, in the order that wins a tie (`,` is RFC 4180's default). */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Reads at most SNIFF_BYTES from a fresh stream and closes it. `complete` says the whole file fit,
 * so a truncated multi-byte character at the end is a real error and not a cut in the sample.
 */
export async function readSample(source: () => NodeJS.ReadableStream): Promise<{ sample: Buffer; complete: boolean }> {
  const stream = source();
  const parts: Buffer[] = [];
  let size = 0;
  let complete = true;
  // for-await with break destroys the stream, so the file handle is released right away.
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    parts.push(buf);
    size += buf.length;
    if (size >= SNIFF_BYTES) {
      complete = false;
      break;
    }
  }
  const sample = Buffer.concat(parts);
  return { sample: sample.subarray(0, SNIFF_BYTES), complete: complete && sample.length <= SNIFF_BYTES };
}

/**
 * R22: a BOM decides; else the sample must be valid UTF-8 (TextDecoder fatal); else windows-1252,
 * which is what Spanish Excel writes. UTF-16 without a BOM is recognised by its NUL bytes: no real
 * UTF-8 or windows-1252 CSV has them in every other position.
 */
export function sniffEncoding(sample: Buffer, complete: boolean): CsvEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  const utf16 = sniffUtf16WithoutBom(sample);
  if (utf16) return utf16;
  try {
    // stream: true when the sample is a cut: an incomplete character at the very end is then held
    // back instead of failing, while any invalid byte before it still throws.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

function sniffUtf16WithoutBom(sample: Buffer): CsvEncoding | null {
  const n = Math.min(sample.length, 1024) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZero++;
    if (sample[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Decodes the sample for sniffing only; a character cut at the end becomes one U+FFFD, harmless here. */
export function decodeSample(sample: Buffer, encoding: CsvEncoding): string {
  return iconv.decode(sample, encoding);
}

/**
 * R22: counts each candidate on the header record outside quotes (a quoted header may hold a
 * delimiter or even a line break) and picks the most frequent. One delimiter is then passed to
 * csv-parse: a delimiter list on the whole file would split a comma file on an unquoted `;`.
 * No candidate at all means a one-column file; `,` is as good as any.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  let sawContent = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\n' && ch !== '\r') sawContent = true;
    if (ch === '"') {
      // A doubled quote inside quotes toggles twice: net effect nil, as RFC 4180 means.
      inQuotes = !inQuotes;
    } else if (!inQuotes) {
      if (ch === '\n' || ch === '\r') {
        // Leading blank lines are not the header.
        if (sawContent) break;
        continue;
      }
      const c = counts.get(ch);
      if (c !== undefined) counts.set(ch, c + 1);
    }
  }
  let best: string = DELIMITERS[0];
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const c = counts.get(d)!;
    if (c > bestCount) {
      best = d;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Excel's `sep=;` first line: a file saved for a locale other than the reader's may start with it
 * to name its delimiter, and Excel hides it. When present it decides the delimiter, and the line is
 * not the header.
 */
export function excelSepLine(text: string): string | null {
  const match = /^sep=(.)(?:\r\n|\n|\r)/i.exec(text);
  return match && !['"', '\r', '\n'].includes(match[1]!) ? match[1]! : null;
}
