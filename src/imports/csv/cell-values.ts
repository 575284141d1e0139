/**
 * Parsers for one cell of an import. Each returns `{ value }` or `{ error: { code, message } }`
 * and never throws, so the pipeline can put the error on the row and column it belongs to (R24).
 * An empty cell (only spaces) is `{ value: null }`: "not given", which the import does not treat
 * as "clear the field" unless it decides to.
 */
export type CellError = { code: string; message: string };
export type CellResult<T> = { value: T } | { error: CellError };

const fail = (code: string, message: string): { error: CellError } => ({ error: { code, message } });

/** Case- and accent-insensitive form for comparing words ("Sí" = "si", "ALTA" = "alta"). */
export const foldText = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

const TRUE_WORDS = new Set(['si', 's', 'yes', 'y', 'true', 'verdadero', '1', 'x']);
const FALSE_WORDS = new Set(['no', 'n', 'false', 'falso', '0']);

/** Consents and other yes/no cells: sí/si/yes/true/1/x, no/false/0; what Excel and our exporter write. */
export function parseBoolean(cell: string): CellResult<boolean | null> {
  const word = foldText(cell);
  if (word === '') return { value: null };
  if (TRUE_WORDS.has(word)) return { value: true };
  if (FALSE_WORDS.has(word)) return { value: false };
  return fail('invalid_boolean', `"${cell.trim()}" is not a yes/no value (sí, no, yes, true, false, 1, 0, x)`);
}

/**
 * The order of day and month in a written date. Only US English writes month first; Spanish,
 * British and most others write day first. Ask for the locale explicitly: "03/04/2025" is
 * 3 April in Madrid and 4 March in New York, and guessing from the data is not predictable.
 */
export function dateOrderFor(locale: string): 'dmy' | 'mdy' {
  const tag = locale.toLowerCase();
  return tag === 'en' || tag === 'en-us' || tag.startsWith('en-us-') ? 'mdy' : 'dmy';
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YMD_SLASH = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
// Day-or-month, day-or-month, year with 2 or 4 digits; `/`, `-` or `.` as long as both match.
const LOCAL_DATE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$/;

/**
 * Dates as `YYYY-MM-DD`. Accepted: ISO (`2025-04-03`, with an optional time, which is dropped),
 * `2025/04/03`, and the locale's order with `/`, `-` or `.`: `03/04/2025`, `3-4-25`, `3.4.2025`
 * (optionally followed by a time, as Excel writes). Two-digit years: 00–69 are 2000–2069, 70–99
 * are 1970–1999 (the POSIX rule). Impossible dates (31/02, 29/02 of a non-leap year, month 13)
 * are errors, never rolled over.
 */
export function parseDate(cell: string, locale: string): CellResult<string | null> {
  const text = cell.trim();
  if (text === '') return { value: null };
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(text) ?? YMD_SLASH.exec(text);
  const local = iso ? null : LOCAL_DATE.exec(text);
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (local) {
    const [a, b] = [Number(local[1]), Number(local[3])];
    [d, m] = dateOrderFor(locale) === 'mdy' ? [b, a] : [a, b];
    y = Number(local[4]);
    if (local[4]!.length === 2) y += y < 70 ? 2000 : 1900;
  } else {
    const example = dateOrderFor(locale) === 'mdy' ? 'mm/dd/yyyy' : 'dd/mm/yyyy';
    return fail('invalid_date', `"${text}" is not a date (expected ${example} or yyyy-mm-dd)`);
  }
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1) {
    return fail('impossible_date', `"${text}" is not a day of the calendar`);
  }
  return { value: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Which characters a locale uses in numbers: Spanish `1.234,5`, English `1,234.5`. */
export function numberSeparatorsFor(locale: string): { decimal: ',' | '.'; group: '.' | ',' } {
  const lang = locale.toLowerCase().split('-')[0];
  // Languages that write a decimal comma; the others (en, …) write a decimal point.
  return ['es', 'ca', 'gl', 'eu', 'fr', 'de', 'it', 'pt', 'nl'].includes(lang ?? '') ? { decimal: ',', group: '.' } : { decimal: '.', group: ',' };
}

/**
 * Numbers in the locale's notation. Group separators must sit every three digits (or be spaces,
 * which both notations use), so "1.234,5" is 1234.5 in es, but "1.5" in es is an error rather than
 * a silent 15 or 1.5: that cell is ambiguous, and the user should see it.
 */
export function parseNumber(cell: string, locale: string): CellResult<number | null> {
  const text = cell.trim().replace(/[\u00a0\u202f]/g, ' ');
  if (text === '') return { value: null };
  const { decimal, group } = numberSeparatorsFor(locale);
  const g = group === '.' ? '\\.' : ',';
  const dec = decimal === '.' ? '\\.' : ',';
  const pattern = new RegExp(`^([+-]?)(\\d{1,3}(?:(?:${g}\\d{3})+|(?: \\d{3})+)|\\d+)(?:${dec}(\\d+))?$`);
  const match = pattern.exec(text);
  if (!match) {
    const example = decimal === ',' ? '1.234,56' : '1,234.56';
    return fail('invalid_number', `"${text}" is not a number (expected something like ${example})`);
  }
  const digits = match[2]!.replace(/[., ]/g, '');
  const value = Number(`${match[1]}${digits}${match[3] ? `.${match[3]}` : ''}`);
  if (!Number.isFinite(value)) return fail('invalid_number', `"${text}" is too large`);
  return { value };
}

export type SelectOption = { value: string; label: string };

/**
 * A select attribute: the cell may hold an option's value or its label, in any case and with or
 * without accents ("Alta", "alta", "ALTA" → the option labelled "Alta"). Values win over labels
 * when one option's value is another's label.
 */
export function parseSelect(cell: string, options: SelectOption[]): CellResult<string | null> {
  const word = foldText(cell);
  if (word === '') return { value: null };
  const found = options.find((o) => foldText(o.value) === word) ?? options.find((o) => foldText(o.label) === word);
  if (found) return { value: found.value };
  const known = options.slice(0, 10).map((o) => o.label).join(', ');
  return fail('unknown_option', `"${cell.trim()}" is not one of the options (${known}${options.length > 10 ? ', …' : ''})`);
}

/** A multi-select cell: several options split like splitMultiValue, each parsed as parseSelect. */
export function parseMultiSelect(cell: string, options: SelectOption[]): CellResult<string[] | null> {
  const parts = splitMultiValue(cell);
  if (parts.length === 0) return { value: null };
  const values: string[] = [];
  for (const part of parts) {
    const one = parseSelect(part, options);
    if ('error' in one) return one;
    if (one.value !== null && !values.includes(one.value)) values.push(one.value);
  }
  return { value: values };
}

/**
 * Several values in one cell (additional emails or phones, multi-select options): separated by
 * `|` (what our exporter writes), `;`, `,` or a line break; each trimmed, empty ones dropped,
 * repeats kept once. None of these characters appears inside an email or a phone number.
 */
export function splitMultiValue(cell: string): string[] {
  const out: string[] = [];
  for (const raw of cell.split(/[|;,\r\n]+/)) {
    const part = raw.trim();
    if (part !== '' && !out.includes(part)) out.push(part);
  }
  return out;
}

/** Particles that belong to the surname (or given name) that follows them: "de la Torre". */
const PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'i', 'da', 'das', 'do', 'dos', 'san', 'santa', 'van', 'von']);

/**
 * Splits a full name into first name and surnames, by a fixed rule so the result can be predicted
 * (the user sees it in the dry run and can map two columns instead):
 * - "García López, María José" (surnames, comma, given names) is split at the comma.
 * - Otherwise words are grouped so a particle sticks to the word after it ("de la Torre" is one
 *   unit). Spanish (es, and the default): one unit is a first name alone; two are first name and
 *   surname; three or more: the last two units are the two surnames (Spanish names carry both),
 *   the rest the given names. So "María José García López" → "María José" / "García López",
 *   "Juan de la Torre Pérez" → "Juan" / "de la Torre Pérez". English (`en…`): the last unit is
 *   the surname. Known limit: "María del Carmen Pérez" (three units) gives "María" / "del Carmen
 *   Pérez"; names like that need separate columns or the comma form.
 */
export function splitFullName(fullName: string, locale = 'es'): { firstName: string; lastName: string | null } {
  const text = fullName.normalize('NFC').replace(/\s+/g, ' ').trim();
  const comma = text.indexOf(',');
  if (comma !== -1) {
    const last = text.slice(0, comma).trim();
    const first = text.slice(comma + 1).replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
    if (first && last) return { firstName: first, lastName: last };
    return { firstName: first || last, lastName: null };
  }
  const units = groupParticles(text === '' ? [] : text.split(' '));
  if (units.length <= 1) return { firstName: units[0] ?? '', lastName: null };
  const surnameUnits = locale.toLowerCase().startsWith('en') || units.length === 2 ? 1 : 2;
  return { firstName: units.slice(0, -surnameUnits).join(' '), lastName: units.slice(-surnameUnits).join(' ') };
}

function groupParticles(words: string[]): string[] {
  const units: string[] = [];
  let pending: string[] = [];
  for (const word of words) {
    pending.push(word);
    // A particle waits for the word it introduces; the first word is always a given name.
    if (PARTICLES.has(word.toLowerCase()) && units.length > 0) continue;
    units.push(pending.join(' '));
    pending = [];
  }
  // Trailing particles ("Juan de") stay with the last unit rather than vanish.
  if (pending.length > 0) {
    if (units.length > 0) units[units.length - 1] += ` ${pending.join(' ')}`;
    else units.push(pending.join(' '));
  }
  return units;
}
