/**
 * A `'` (or a run of them) before a character a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`, TAB, CR, LF, NUL). Our exporter (R21, `src/exports/csv-cell.ts`) adds one `'` in front of
 * such text, and one more in front of text already shaped like that (`'=x` → `''=x`), so removing
 * exactly one `'` here gives every string back. Same rule as the exporter's `unescapeCell`, kept
 * here because a feature does not import another's internals.
 */
const FORMULA_GUARD = /^'+[=+\-@\t\r\n\0]/;

/**
 * A decoded value as the import should see it: NFC (a macOS file writes "á" as a + U+0301, which
 * would otherwise never equal the "á" typed in the app) and without the formula guard. Spaces are
 * kept: trimming is a decision of each cell parser, and a round trip must give back what was sent.
 */
export function cleanValue(value: string): string {
  const nfc = value.normalize('NFC');
  return FORMULA_GUARD.test(nfc) ? nfc.slice(1) : nfc;
}

/**
 * Header names: cleaned like values, then trimmed. An empty header becomes `column_<n>` (its
 * 1-based position) and a repeated one gets ` (2)`, ` (3)`… so every column has a distinct name a
 * mapping or an error report can point at. suggestMapping knows the suffix.
 */
export function cleanHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return raw.map((value, i) => {
    const base = cleanValue(value).trim() || `column_${i + 1}`;
    const key = base.toLowerCase();
    let n = seen.get(key) ?? 0;
    let name = base;
    // Loop: "Email (2)" may itself be a real header further left.
    while (taken.has(name.toLowerCase())) {
      n++;
      name = `${base} (${n + 1})`;
    }
    seen.set(key, n);
    taken.add(name.toLowerCase());
    return name;
  });
}

/** A record with nothing but spaces in it: an empty line, or the `;;;` Excel writes for an empty row. */
export function isBlankRecord(values: string[]): boolean {
  return values.every((v) => v.trim() === '');
}

/** Removes the ` (2)` that cleanHeaders adds to a repeated header. */
export function withoutDuplicateSuffix(header: string): string {
  return header.replace(/ \(\d+\)$/, '');
}
