import { bundle } from '../../i18n/bundle.ts';

/** Strings of the notifications bell and the live-update pill (`notifications.*` keys). */
export const notificationMessages = bundle(
  {
    notifications: {
      title: 'Notificaciones',
      bellUnread_one: 'Notificaciones: {{count}} sin leer',
      bellUnread_other: 'Notificaciones: {{count}} sin leer',
      markAll: 'Marcar todo como leído',
      today: 'Hoy',
      earlier: 'Anteriores',
      empty: 'No tienes notificaciones.',
      loadError: 'No se pudieron cargar las notificaciones.',
      unread: 'Sin leer',
      someone: 'Un contacto',
      attention: 'pendiente de atención',
      pending_one: '{{reasons}}',
      pending_other: '{{count}} avisos · {{reasons}}',
      other: 'Aviso ({{type}})',
      ago: 'hace {{time}}',
    },
  },
  {
    notifications: {
      title: 'Notifications',
      bellUnread_one: 'Notifications: {{count}} unread',
      bellUnread_other: 'Notifications: {{count}} unread',
      markAll: 'Mark all as read',
      today: 'Today',
      earlier: 'Earlier',
      empty: 'You have no notifications.',
      loadError: 'Could not load notifications.',
      unread: 'Unread',
      someone: 'A contact',
      attention: 'needs attention',
      pending_one: '{{reasons}}',
      pending_other: '{{count}} notices · {{reasons}}',
      other: 'Notice ({{type}})',
      ago: '{{time}} ago',
    },
  },
);
