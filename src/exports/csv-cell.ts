/**
 * R21: a spreadsheet runs a cell whose text starts with `=`, `+`, `-`, `@`, TAB, CR, LF or NUL as
 * a formula (or strips the control character and then does). Every string cell we export that
 * starts with one gets a `'` in front, which Excel, LibreOffice and Google Sheets show as text.
 *
 * So a phone `+34 612 345 678` exports as `'+34 612 345 678`; our importer takes the `'` off
 * again (`unescapeCell`), so export → import gives the same data back.
 *
 * To keep the rule reversible for every string, text that already starts with apostrophes
 * followed by a trigger (`'=x`) gets one more (`''=x`), and un-escaping removes exactly one `'`
 * from any run of apostrophes that ends in a trigger. Numbers, booleans and dates are typed values
 * and are not touched: a negative number stays a number.
 */
export const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'] as const;

const NEEDS_PREFIX = /^'*[=+\-@\t\r\n\0]/;
const ESCAPED = /^'+[=+\-@\t\r\n\0]/;

/** True when a spreadsheet would treat the text's first character as the start of a formula. */
export const startsWithTrigger = (text: string): boolean => text.length > 0 && (TRIGGERS as readonly string[]).includes(text[0]!);

/** The text as it is written into a CSV cell (before RFC 4180 quoting, which the writer does). */
export const escapeCell = (text: string): string => (NEEDS_PREFIX.test(text) ? `'${text}` : text);

/** The inverse of `escapeCell`, for readers of our own files (the contacts importer). */
export const unescapeCell = (text: string): string => (ESCAPED.test(text) ? text.slice(1) : text);
