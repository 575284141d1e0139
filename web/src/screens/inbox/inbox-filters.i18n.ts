import { bundle } from '../../i18n/bundle.ts';

/** Strings of the inbox's channel filter (`inboxFilters.*` keys). */
export const inboxFilterMessages = bundle(
  {
    inboxFilters: {
      label: 'Filtrar por canal',
      any: 'Todos los canales',
      empty: 'Nadie espera por este canal',
      emptyHint: 'Prueba con otro canal o con todos.',
    },
  },
  {
    inboxFilters: {
      label: 'Filter by channel',
      any: 'All channels',
      empty: 'Nobody is waiting on this channel',
      emptyHint: 'Try another channel, or all of them.',
    },
  },
);
