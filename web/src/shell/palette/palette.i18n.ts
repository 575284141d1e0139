import { bundle } from '../../i18n/bundle.ts';

/** Strings of the command palette (`palette.*`) and of the live-updates pill (`live.*`, web/src/lib/live). */
export const paletteMessages = bundle(
  {
    palette: {
      trigger: 'Buscar contactos o acciones…',
      shortcut: 'Ctrl K',
      title: 'Buscar contactos o acciones',
      placeholder: 'Escribe un nombre, email, teléfono o acción',
      contacts: 'Contactos',
      actions: 'Acciones',
      recent: 'Recientes',
      searching: 'Buscando…',
      noResults: 'Nada coincide con «{{q}}»',
      searchFailed: 'No se pudo buscar · inténtalo de nuevo',
      pending: 'Espera respuesta',
      owned: 'Tiene propietario',
      newContact: 'Nuevo contacto',
      importCsv: 'Importar CSV',
      goTo: 'Ir a {{place}}',
      hint: '↑ ↓ para moverte · Intro para abrir · Esc para cerrar',
      close: 'Cerrar',
    },
    live: {
      pill_one: '{{count}} cambio · Actualizar',
      pill_other: '{{count}} cambios · Actualizar',
    },
  },
  {
    palette: {
      trigger: 'Search contacts or actions…',
      shortcut: 'Ctrl K',
      title: 'Search contacts or actions',
      placeholder: 'Type a name, email, phone or action',
      contacts: 'Contacts',
      actions: 'Actions',
      recent: 'Recent',
      searching: 'Searching…',
      noResults: 'Nothing matches “{{q}}”',
      searchFailed: 'Search failed · try again',
      pending: 'Waiting for an answer',
      owned: 'Has an owner',
      newContact: 'New contact',
      importCsv: 'Import CSV',
      goTo: 'Go to {{place}}',
      hint: '↑ ↓ to move · Enter to open · Esc to close',
      close: 'Close',
    },
    live: {
      pill_one: '{{count}} change · Refresh',
      pill_other: '{{count}} changes · Refresh',
    },
  },
);
