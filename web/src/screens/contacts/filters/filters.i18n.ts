import { bundle } from '../../../i18n/bundle.ts';

/** Strings of the contacts table's filters, saved views and bulk actions (`views.*` keys). */
export const filterMessages = bundle({ views: { title: 'Vistas' } }, { views: { title: 'Views' } });
