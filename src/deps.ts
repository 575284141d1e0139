import { insertApiKey, makeApiKeysService } from './api-keys/api-keys.service.ts';
import type { Config } from './config.ts';
import { makeContactsService } from './contacts/contacts.service.ts';
import { makeContactMergeService } from './contacts/merge-contacts.ts';
import { makeSavedViewsService } from './saved-views/saved-views.service.ts';
import { contactAttributeChecker, makeAttributesService, validateContactAttributes } from './attributes/attributes.service.ts';
import { loadStageNames, makePlaybooksService } from './playbooks/playbooks.service.ts';
import { makeContactStageService } from './playbooks/contact-stage.ts';
import { makeContactListsService } from './contact-lists/contact-lists.service.ts';
import { makeExportsService } from './exports/exports.service.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import type { Database, Db } from './lib/db.ts';
import { scopeServicesToActor } from './lib/actor-scope.ts';
import { makeCursorCodec, type CursorCodec } from './lib/pagination.ts';
import { makeTasksService } from './tasks/tasks.service.ts';
import { makeDealsService } from './deals/deals.service.ts';
import { makeMeetingsService } from './meetings/meetings.service.ts';
import { makeCommentsService } from './comments/comments.service.ts';
import { localDiskStorage } from './documents/document-storage.ts';
import { makeDocumentsService } from './documents/documents.service.ts';
import { makeTimelineService } from './timeline/timeline.service.ts';
import { makeWorkspacesService } from './workspaces/workspaces.service.ts';
import { makeSessionsService } from './sessions/sessions.service.ts';
import { revokeUserSessions, voidUserInvites } from './sessions/sessions.repo.ts';
import { makeCallsService } from './communications/calls.service.ts';
import { makeEmailsService } from './communications/emails.service.ts';
import { makeWhatsappService } from './communications/whatsapp.service.ts';
import { makeWhatsappTemplatesService } from './communications/whatsapp-templates.ts';
import { makeDeliveryService, makeRecordingDeliveryAdapter, withEmailSender, withWhatsappSender } from './communications/delivery.ts';
import { makeAttentionService, refreshAttention } from './attention/attention.service.ts';
import { makeNotificationsService } from './notifications/notifications.service.ts';
import { makeChannels } from './whatsapp-cloud/channels.ts';
import { makeTypeformProvider } from './typeform/typeform.provider.ts';
import { makeCalendlyProvider } from './calendly/calendly.provider.ts';
import { makeWebFormsProvider } from './web-forms/web-forms.provider.ts';
import { makeMailboxesService } from './mailboxes/mailboxes.service.ts';
import { makeTelephonyService } from './telephony/telephony.service.ts';
import { makeTwilioProvider } from './twilio/twilio.provider.ts';
import { makeAircallProvider } from './aircall/aircall.provider.ts';
import { makeMetaLeadAdsProvider } from './meta-lead-ads/meta-lead-ads.provider.ts';
import { makeBankflipProvider } from './bankflip/bankflip.provider.ts';
import { makeLiveService } from './live/live.service.ts';

/** Everything a route, job or CLI command may use, wired in one place. */
export type Deps = {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  cursors: CursorCodec;
  services: ReturnType<typeof makeServices>;
};

function makeServices(db: Db, clock: Clock, cursors: CursorCodec, config: Config, systemDb: Db) {
  const workspaces = makeWorkspacesService({
    db,
    clock,
    insertApiKey,
    endUserAccess: async (tx, workspaceId, userId, now) => {
      await revokeUserSessions(tx, workspaceId, userId, now);
      await voidUserInvites(tx, workspaceId, userId, now);
      services.apiKeys.forgetUserKeys(workspaceId, userId);
    },
  });
  const channels = makeChannels({ db, systemDb, clock, config, services: () => services });
  const mailboxes = makeMailboxesService({ db, clock, allowPrivateHosts: config.mailPrivateHosts === true, services: () => services });
  const services = {
    workspaces,
    sessions: makeSessionsService({ db, systemDb, clock, workspaces }),
    savedViews: makeSavedViewsService({ db, clock }),
    apiKeys: makeApiKeysService({ db, systemDb, clock }),
    contacts: makeContactsService({ db, clock, validateCustomAttributes: validateContactAttributes, customAttributeChecker: contactAttributeChecker, stageNames: loadStageNames, workspaceSettings: workspaces.settings.get }),
    contactMerge: makeContactMergeService({ db, clock, refreshAttention, stageNames: loadStageNames }),
    playbooks: makePlaybooksService({ db, clock }),
    contactStages: makeContactStageService({ db, clock }),
    contactLists: makeContactListsService({ db, clock, cursors }),
    contactAttributes: makeAttributesService({ db, clock }),
    exports: makeExportsService({ db, clock, cursors, workspaces, savedViews: makeSavedViewsService({ db, clock }), attributes: makeAttributesService({ db, clock }), playbooks: makePlaybooksService({ db, clock }) }),
    tasks: makeTasksService({ db, clock, cursors }),
    deals: makeDealsService({ db, clock, cursors }),
    meetings: makeMeetingsService({ db, clock, cursors }),
    comments: makeCommentsService({ db, clock, cursors }),
    calls: makeCallsService({ db, clock, cursors }),
    emails: makeEmailsService({ db, clock, cursors }),
    whatsapp: makeWhatsappService({ db, clock, cursors }),
    whatsappTemplates: makeWhatsappTemplatesService({ db, clock }),
    ...channels.services,
    mailboxes,
    // Email leaves over the workspace's own mailbox when it has one (src/mailboxes), else it is only recorded.
    delivery: makeDeliveryService({ db, clock, adapter: withEmailSender(withWhatsappSender(makeRecordingDeliveryAdapter({ db, clock }), channels.send), mailboxes.send) }),
    attention: makeAttentionService({ db, clock, cursors, stageNames: loadStageNames }),
    notifications: makeNotificationsService({ db, clock, cursors }),
    timeline: makeTimelineService({ db, cursors }),
    documents: makeDocumentsService({ db, clock, cursors, storage: localDiskStorage(`${config.dataDir}/documents`), maxBytes: config.documentMaxBytes ?? 10 * 1024 * 1024 }),
    live: makeLiveService({ db, clock }),
  };
  services.integrations.addProvider('typeform', makeTypeformProvider({ contacts: services.contacts }));
  services.integrations.addProvider('web_form', makeWebFormsProvider({ contacts: services.contacts }));
  services.integrations.addProvider('calendly', makeCalendlyProvider({ db, clock, contacts: services.contacts, meetings: services.meetings }));
  services.integrations.addProvider('email_mailbox', services.mailboxes.provider);
  services.integrations.addProvider('sendgrid_inbound', services.mailboxes.forwardProviders.sendgrid_inbound);
  services.integrations.addProvider('mailgun_inbound', services.mailboxes.forwardProviders.mailgun_inbound);
  const telephony = makeTelephonyService({ db, clock, calls: services.calls, contacts: services.contacts, defaultCountry: async (workspaceId) => (await workspaces.settings.get(db, workspaceId)).defaultCountry });
  services.integrations.addProvider('twilio', makeTwilioProvider({ telephony }));
  services.integrations.addProvider('aircall', makeAircallProvider({ telephony }));
  services.integrations.addProvider('meta_lead_ads', makeMetaLeadAdsProvider({ contacts: services.contacts, graphBaseUrl: config.metaGraphBaseUrl ?? 'https://graph.facebook.com/v21.0', outbound: { allow: config.outboundAllow }, defaultCountry: async (workspaceId) => (await workspaces.settings.get(db, workspaceId)).defaultCountry }));
  services.integrations.addProvider('bankflip', makeBankflipProvider({ contacts: services.contacts, documents: services.documents, clock, outbound: { allow: config.outboundAllow }, defaultCountry: async (workspaceId) => (await workspaces.settings.get(db, workspaceId)).defaultCountry }));
  return services;
}

/** Builds the dependencies over an open, migrated database. */
export async function makeDeps(config: Config, database: Database, clock: Clock = systemClock): Promise<Deps> {
  const { rows } = await database.raw(`SELECT value FROM instance_secrets WHERE name = 'cursor_hmac'`, []);
  const secret = String(rows[0]?.value ?? '');
  const cursors = makeCursorCodec(secret);
  return {
    config,
    database,
    db: database.db,
    clock,
    cursors,
    services: scopeServicesToActor(makeServices(database.db, clock, cursors, config, database.systemDb)),
  };
}

/** Opens the configured database and applies pending migrations (lib/open-and-migrate.ts). */
export { openAndMigrate } from './lib/open-and-migrate.ts';
