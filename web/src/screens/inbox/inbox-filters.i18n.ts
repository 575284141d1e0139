import { bundle } from '../../i18n/bundle.ts';

/** Strings of the inbox's channel filter (`inboxFilters.*` keys). */
export const inboxFilterMessages = bundle(
  {
    inboxFilters: {
      label: 'Filtrar por canal',
      any: 'Todos los canales',
      empty: 'Nadie espera con estos filtros',
      clear: 'Quitar filtros',
    },
  },
  {
    inboxFilters: {
      label: 'Filter by channel',
      any: 'All channels',
      empty: 'Nobody is waiting with these filters',
      clear: 'Clear filters',
    },
  },
);
