import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { es } from './es.ts';
import { BUNDLES } from './bundles.ts';

export const LANGUAGES = ['es', 'en'] as const;
const STORE = 'vixiees.lang';

/** The user's choice (kept in this browser), else the browser's, else Spanish. */
function initialLanguage(): string {
  const stored = localStorage.getItem(STORE);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'es';
}

void i18next.use(initReactI18next).init({
  resources: {
    es: { translation: Object.assign({}, es, ...BUNDLES.map((b) => b.es)) },
    en: { translation: Object.assign({}, en, ...BUNDLES.map((b) => b.en)) },
  },
  lng: initialLanguage(),
  fallbackLng: 'es',
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18next.language;

export function setLanguage(lng: string): void {
  localStorage.setItem(STORE, lng);
  void i18next.changeLanguage(lng);
}

/** Follow the workspace's locale unless the user picked a language in this browser. */
export function adoptWorkspaceLocale(locale: string): void {
  if (localStorage.getItem(STORE)) return;
  const lng = locale.toLowerCase().startsWith('en') ? 'en' : 'es';
  if (i18next.language !== lng) void i18next.changeLanguage(lng);
}

export default i18next;
