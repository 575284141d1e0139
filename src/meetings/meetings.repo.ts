import { elementRepo } from '../lib/contact-element/element-repo.ts';
import { meetings } from './meetings.tables.ts';

/** Meetings are plain contact elements: the shared five queries, listed by when they were recorded. */
export const meetingsRepo = elementRepo(meetings);
