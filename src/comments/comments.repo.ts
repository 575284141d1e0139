import { elementRepo } from '../lib/contact-element/element-repo.ts';
import { comments } from './comments.tables.ts';

/** Comments are plain contact elements: the shared five queries, listed by when they were recorded. */
export const commentsRepo = elementRepo(comments);
