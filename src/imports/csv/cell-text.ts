/**
 * Characters a spreadsheet may run as a formula at the start of a cell. Our exporter (R21) puts a
 * `'` before them; the importer takes it off again so export → import round-trips.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\0']);

/**
 * A decoded value as the import should see it: NFC (a macOS file writes "á" as a + U+0301, which
 * would otherwise never equal the "á" typed in the app) and without the formula guard. Spaces are
 * kept: trimming is a decision of each cell parser, and a round trip must give back what was sent.
 */
export function cleanValue(value: string): string {
  const nfc = value.normalize('NFC');
  if (nfc.length >= 2 && nfc[0] === "'" && FORMULA_TRIGGERS.has(nfc[1]!)) return nfc.slice(1);
  return nfc;
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
