import type { Messages } from './es.ts';

/** English: the second locale; never sets the layout. */
export const en: Messages = {
  app: { name: 'Vixiees', skip: 'Skip to content', nav: 'Main navigation', inbox: 'Attention', contacts: 'Contacts', signOut: 'Sign out', language: 'Language', userMenu: "{{name}}'s menu" },
  signIn: {
    title: 'Sign in to Vixiees', email: 'Email', password: 'Password', submit: 'Sign in', workspace: 'Workspace',
    chooseWorkspace: 'Your email belongs to several workspaces. Choose one.',
    invalid: 'Wrong email or password', rateLimited: 'Too many attempts. Wait {{seconds}} s and try again.',
    error: 'Could not sign in. Try again.', expired: 'Your session expired. Sign in again to carry on.',
  },
  common: {
    loading: 'Loading…', retry: 'Retry', loadError: 'Could not load', save: 'Save', cancel: 'Cancel', edit: 'Edit', close: 'Close',
    notFound: 'This contact does not exist or was deleted', forbidden: 'You may not see this', details: 'Details', back: 'Back',
  },
  duration: { d: '{{count}} d', h: '{{count}} h', min: '{{count}} min', s: '{{count}} s', hMin: '{{h}} h {{min}} min', dH: '{{d}} d {{h}} h' },
  reason: { whatsapp: 'WhatsApp', call: 'Missed call', email: 'Email' },
  inbox: {
    title: 'Attention', mine: 'Mine', all: 'All', scope: 'Which contacts to show', waiting: 'Waiting {{time}}', waitingLabel: 'Waiting time',
    reasons: 'Reasons', empty: 'All caught up', emptyHint: 'Nobody is waiting for an answer right now.', count_one: '{{count}} pending contact', count_other: '{{count}} pending contacts',
    windowOpen: 'Window {{time}}', windowClosed: 'Window closed', nameless: 'No name',
  },
  contacts: {
    title: 'Contacts', search: 'Search contacts', searchPlaceholder: 'Name, surnames, email, phone…', newContact: 'New contact',
    count_one: '{{n}} contact', count_other: '{{n}} contacts', countApprox: '≈ {{n}} contacts',
    empty: 'No contact matches this search', emptyWorkspace: 'No contacts yet',
    col: { name: 'Name', phone: 'Phone', email: 'Email', company: 'Company', attention: 'Attention', window: 'WA window', updated: 'Updated' },
    pending: 'Pending', loadingMore: 'Loading more…',
  },
  form: {
    firstName: 'First name', lastName: 'Surnames', email: 'Email', phone: 'Phone', company: 'Company', create: 'Create contact', created: 'Contact created',
    errors: {
      contact_identifier_taken: 'Already belongs to another contact. Open it or merge them.',
      identifier_taken: 'Already belongs to another contact. Open it or merge them.',
      invalid_phone: 'Not a valid phone', invalid_email: 'Not a valid email', invalid_format: 'The format is not valid',
      too_big: 'Too long', too_small: 'This is missing', contact_needs_identity: 'Give at least a name, email or phone',
      generic: 'Check this field ({{code}})',
    },
  },
  contact: {
    data: 'Details', timeline: 'Conversation', pendingChip: 'Pending · {{reasons}} · {{time}}', pendingSince: 'since {{when}}', ignored: 'Ignored',
    windowOpenChip: 'Window open · {{time}}', windowClosedChip: 'Window closed',
    consents: 'Consents', consent: { transactionalWhatsapp: 'Transactional WhatsApp', transactionalEmail: 'Transactional email', marketingWhatsapp: 'Marketing WhatsApp', marketingEmail: 'Marketing email' },
    consentOn: 'Yes', consentOff: 'No', saved: 'Saved', conflict: 'Someone changed this contact a moment ago; their values are shown now.',
    source: 'Source', owner: 'Owner',
  },
  timeline: {
    title: 'History', empty: 'No activity yet', more: 'Show older', inbound: 'Received', outbound: 'Sent',
    type: { whatsapp_message: 'WhatsApp', email: 'Email', call: 'Call', comment: 'Internal note', task: 'Task', deal: 'Deal', meeting: 'Meeting', document: 'Document', contact: 'Contact change' },
    status: { received: 'Received', queued: 'Queued', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed' },
    callOutcome: { answered: 'Answered', missed: 'Missed', busy: 'Busy', no_answer: 'No answer', voicemail: 'Voicemail', failed: 'Failed' },
    event: { created: 'Contact created', updated: 'Details changed', consent_changed: 'Consent changed', stage_changed: 'Stage changed', ignored: 'Contact ignored', unignored: 'No longer ignored', merged: 'Contacts merged', deleted: 'Moved to the trash', restored: 'Restored', owner_changed: 'Owner changed' },
    template: 'Template {{name}}',
  },
  composer: {
    label: 'Compose', channel: 'Channel', whatsapp: 'WhatsApp', note: 'Internal note', call: 'Call',
    message: 'WhatsApp message', send: 'Send', sending: 'Sending…',
    windowOpen: 'Window open · closes in {{time}}', windowClosesAt: 'Closes on {{when}}',
    windowClosed: 'More than 24 h have passed since {{name}} last wrote. You can only send an approved template.',
    windowNever: '{{name}} has not written on WhatsApp yet. You can only send an approved template.',
    chooseTemplate: 'Choose a template', noPhone: 'No phone', noConsent: '{{name}} has not consented to transactional WhatsApp. Sending is not possible.',
    noteHint: 'Only your team sees it', noteField: 'Internal note', saveNote: 'Save note',
    callDirection: 'Direction', outbound: 'Outbound', inbound: 'Inbound', callOutcome: 'Outcome', callDuration: 'Duration (minutes)', logCall: 'Log call',
    ignoredNote: 'Ignored contact: writing to them does not reactivate them.',
    error: { whatsapp_window_closed: 'The window closed: send a template', consent_required: 'The consent for this send is missing', contact_has_no_whatsapp: 'This contact has no WhatsApp number', generic: 'Could not send ({{code}})' },
  },
  templates: {
    title: 'WhatsApp templates', search: 'Search templates', none: 'No approved templates. Ask an admin to add some.',
    category: { marketing: 'Marketing', utility: 'Utility', authentication: 'Authentication' }, variable: 'Variable {{n}}', send: 'Send template', preview: 'Preview', back: 'Other templates',
  },
};
