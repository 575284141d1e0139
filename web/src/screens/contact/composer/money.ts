/** Minor units per major one for a currency (EUR 100, JPY 1), as the platform's ICU knows it. */
export function minorUnits(currency: string | null): number {
  if (!currency) return 100;
  try {
    return 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2);
  } catch {
    return 100;
  }
}

/** An amount in minor units as money in `locale` ("1.250,50 €"); the bare number without a currency. */
export function formatMoney(amountMinor: number, currency: string | null, locale: string): string {
  const major = amountMinor / minorUnits(currency);
  return currency ? new Intl.NumberFormat(locale, { style: 'currency', currency }).format(major) : new Intl.NumberFormat(locale).format(major);
}
