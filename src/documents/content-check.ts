/**
 * Which files may be attached: the declared MIME type must be on the allow-list AND the bytes
 * must look like that type (magic numbers), so a renamed executable or HTML page is refused.
 */
type Check = (b: Buffer) => boolean;

const startsWith = (b: Buffer, ...bytes: number[]) => b.length >= bytes.length && bytes.every((x, i) => b[i] === x);
const ascii = (b: Buffer, offset: number, text: string) => b.subarray(offset, offset + text.length).toString('latin1') === text;

/** ZIP container whose entries include `dir` (OOXML keeps `word/…` or `xl/…` names in the local headers). */
const ooxml = (dir: string): Check => (b) => startsWith(b, 0x50, 0x4b, 0x03, 0x04) && b.includes(dir, 0, 'latin1');

/** Text: valid UTF-8 (BOM allowed) without NUL or other binary control bytes. */
const text: Check = (b) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  for (const byte of b) if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  return true;
};

export const ALLOWED_TYPES: Record<string, Check> = {
  'application/pdf': (b) => ascii(b, 0, '%PDF-'),
  'image/png': (b) => startsWith(b, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/jpeg': (b) => startsWith(b, 0xff, 0xd8, 0xff),
  'image/gif': (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'),
  'image/webp': (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP'),
  'text/plain': text,
  'text/csv': text,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ooxml('word/'),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ooxml('xl/'),
};

/** `Text/CSV; charset=utf-8` → `text/csv`. */
export const baseMimeType = (declared: string): string => declared.split(';')[0]!.trim().toLowerCase();

export type ContentVerdict = { ok: true; contentType: string } | { ok: false; reason: 'type_not_allowed' | 'content_mismatch'; contentType: string };

export function checkContent(declared: string, content: Buffer): ContentVerdict {
  const contentType = baseMimeType(declared);
  const check = ALLOWED_TYPES[contentType];
  if (!check) return { ok: false, reason: 'type_not_allowed', contentType };
  if (content.length === 0 || !check(content)) return { ok: false, reason: 'content_mismatch', contentType };
  return { ok: true, contentType };
}

/** A file name safe to store and show: last path segment, no control characters, bounded. */
export function cleanFileName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const printable = [...last.normalize('NFC')].filter((ch) => ch >= ' ' && ch !== '\u007f' && ch !== '"').join('');
  const cleaned = printable.trim().slice(0, 255);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'document';
}

/** RFC 6266 attachment header with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
