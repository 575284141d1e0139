import { bundle } from '../../i18n/bundle.ts';

/** Strings of the notifications bell and the live-update pill (`notifications.*` keys). */
export const notificationMessages = bundle({ notifications: { title: 'Notificaciones' } }, { notifications: { title: 'Notifications' } });
