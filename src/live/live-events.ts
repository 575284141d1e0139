import type { LiveEvent } from './live.schema.ts';
import type { OutboxEntry } from './live.repo.ts';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Topics that are about a job's progress (`imports.run`, `contacts.bulk`), with the payload key of the job. */
const JOB_TOPICS: Record<string, string> = { 'imports.run': 'importId', 'contacts.bulk': 'jobId' };

/**
 * What a live client hears of an outbox row, or null for internal work (webhook processing, index
 * builds). Read from topic names rather than the features' constants: the live feature depends on
 * no other feature, and an unknown topic is simply not relayed.
 */
export function toLiveEvent(row: OutboxEntry): LiveEvent | null {
  const p = row.payload;
  const contactId = str(p.contactId);
  const version = row.contactVersion;
  switch (row.topic) {
    case 'contact.changed': {
      const change = str(p.change);
      if (change === 'created') return { type: 'contact.created', id: contactId, version };
      if (change === 'deleted') return { type: 'contact.deleted', id: contactId, version };
      // Ignoring clears the contact's reasons; un-ignoring changes no attention but the inbox's filter.
      if (change === 'ignored' || change === 'unignored') return { type: 'attention.changed', id: contactId, version };
      return { type: 'contact.changed', id: contactId, version };
    }
    case 'contact.attention': {
      const pending = p.pending as { before?: boolean; after?: boolean } | undefined;
      const type = pending && pending.before !== pending.after ? 'attention.changed' : 'communication.recorded';
      return { type, id: contactId, version };
    }
    case 'whatsapp.deliver':
    case 'email.deliver':
      return { type: 'communication.recorded', id: contactId, version };
    case 'contact.attribute_values_rewritten':
      return { type: 'attributes.changed', id: str(p.attributeId), version: null };
    default: {
      const key = JOB_TOPICS[row.topic];
      return key ? { type: 'job.changed', id: str(p[key]), version: null } : null;
    }
  }
}
