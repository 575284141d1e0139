/**
 * Search input folded the way the database folds `search_text` (migration 0500, `vx_fold`):
 * accents stripped, lower-cased. NFD + dropping combining marks covers every accented Latin
 * letter the SQL side translates.
 */
export const foldText = (input: string): string =>
  input.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

/** Escapes LIKE wildcards so a user's `%` or `_` is matched literally. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const PHONEISH = /^[+\d\s().\-/]+$/;

/**
 * The digits to look for when the box holds a phone typed in any format: "612 34 56",
 * "+34 612…", "0034 612…" (international prefix dropped), "011 4123…" (trunk 0 dropped).
 * Undefined when the input is not phone-like or too short to be selective.
 */
export function phoneDigits(input: string): string | undefined {
  const trimmed = input.trim();
  if (!PHONEISH.test(trimmed)) return undefined;
  let digits = trimmed.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  return digits.length >= 3 ? digits : undefined;
}
