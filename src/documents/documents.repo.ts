import { elementRepo } from '../lib/contact-element/element-repo.ts';
import { documents } from './documents.tables.ts';

/** The shared five queries of a contact element, listed by when the document was attached. */
export const documentsRepo = elementRepo(documents);
