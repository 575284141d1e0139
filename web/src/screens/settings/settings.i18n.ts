import { bundle } from '../../i18n/bundle.ts';

/** Strings of the settings screens (`settings.*` keys). */
export const settingsMessages = bundle({ settings: { nav: 'Ajustes' } }, { settings: { nav: 'Settings' } });
