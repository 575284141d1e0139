import { elementRepo } from '../lib/contact-element/element-repo.ts';
import { deals } from './deals.tables.ts';

/** Deals are plain contact elements: the shared five queries, listed by when they were recorded. */
export const dealsRepo = elementRepo(deals);
