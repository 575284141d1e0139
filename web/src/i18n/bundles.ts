import { contactActionsMessages } from '../screens/contact/actions/contact-actions.i18n.ts';
import { composerMoreMessages } from '../screens/contact/composer/composer-more.i18n.ts';
import { filterMessages } from '../screens/contacts/filters/filters.i18n.ts';
import { inboxFilterMessages } from '../screens/inbox/inbox-filters.i18n.ts';
import { playbookSettingsMessages } from '../screens/settings/playbooks/playbooks.i18n.ts';
import { settingsMessages } from '../screens/settings/settings.i18n.ts';
import { teamRolesMessages } from '../screens/settings/team-roles.i18n.ts';
import { notificationMessages } from '../shell/notifications/notifications.i18n.ts';
import { paletteMessages } from '../shell/palette/palette.i18n.ts';
import type { Bundle } from './bundle.ts';

/** Every screen's own strings; each bundle owns its top-level keys (no two share one). */
export const BUNDLES: Bundle<Record<string, unknown>>[] = [filterMessages, settingsMessages, notificationMessages, paletteMessages, contactActionsMessages, composerMoreMessages, inboxFilterMessages, playbookSettingsMessages, teamRolesMessages];
