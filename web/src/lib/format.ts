import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from './session.tsx';

/** A clock that ticks every `ms` (live waiting times, window countdowns) without refetching. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** Formatters in the workspace's locale and time zone (never the browser's implicit zone). */
export function useFormat() {
  const { workspace } = useSignedIn();
  const { t, i18n } = useTranslation();
  // The UI language picks the words; the workspace's region picks number and date conventions.
  const locale = i18n.language === 'en' ? (workspace.locale.startsWith('en') ? workspace.locale : 'en-GB') : workspace.locale.startsWith('es') ? workspace.locale : 'es-ES';
  return useMemo(() => {
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: workspace.timeZone });
    const number = new Intl.NumberFormat(locale);
    /** "2 h 14 min", "3 d 4 h", "45 s". */
    const duration = (seconds: number): string => {
      const s = Math.max(0, Math.floor(seconds));
      const d = Math.floor(s / 86_400);
      const h = Math.floor((s % 86_400) / 3600);
      const min = Math.floor((s % 3600) / 60);
      if (d > 0) return h > 0 ? t('duration.dH', { d, h }) : t('duration.d', { count: d });
      if (h > 0) return min > 0 ? t('duration.hMin', { h, min }) : t('duration.h', { count: h });
      if (min > 0) return t('duration.min', { count: min });
      return t('duration.s', { count: s });
    };
    return {
      locale,
      timeZone: workspace.timeZone,
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      number: (n: number) => number.format(n),
      duration,
      since: (iso: string, now: number) => duration((now - Date.parse(iso)) / 1000),
      until: (iso: string, now: number) => duration((Date.parse(iso) - now) / 1000),
    };
  }, [locale, workspace.timeZone, t]);
}

/** Full name as stored ("Nombre Apellido1 Apellido2"), else the phone, else the email. */
export function displayName(c: { firstName: string; lastName: string; phone: string | null; email: string | null; whatsappUserId?: string | null }, fallback: string): string {
  const name = `${c.firstName} ${c.lastName}`.trim();
  return name || c.phone || c.email || c.whatsappUserId || fallback;
}

export function initials(c: { firstName: string; lastName: string }): string {
  return `${c.firstName.charAt(0)}${c.lastName.charAt(0)}`.toUpperCase() || '?';
}
