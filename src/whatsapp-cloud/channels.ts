import { sql } from 'drizzle-orm';
import type { WhatsappService } from '../communications/whatsapp.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { DocumentsService } from '../documents/documents.service.ts';
import { makeIntegrationsService, makeSecretBox, newSecretKey } from '../integrations/integrations.service.ts';
import type { Clock } from '../lib/clock.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { makeWhatsappCloudService, type OutboundMessage, type TemplatesAccess } from './whatsapp-cloud.service.ts';

/**
 * The integrations framework with its providers, for deps.ts. The key that seals secrets: from
 * the environment, else made once per installation into `instance_secrets` (by the owner role,
 * at first use, so a data folder copied from the template never shares it).
 */
export function makeChannels(deps: {
  db: Db;
  systemDb: Db;
  clock: Clock;
  config: { graphBaseUrl?: string; secretsKey?: string; outboundAllow?: string[] };
  services: () => { contacts: ContactsService; whatsapp: WhatsappService; whatsappTemplates: TemplatesAccess; documents: DocumentsService };
}) {
  const { db, systemDb, clock } = deps;
  const box = makeSecretBox({
    envKey: deps.config.secretsKey,
    async loadStoredKey() {
      await systemDb.execute(sql`INSERT INTO instance_secrets (name, value) VALUES ('integrations_key', ${newSecretKey()}) ON CONFLICT (name) DO NOTHING`);
      const [row] = await queryRows<{ value: string }>(systemDb, sql`SELECT value FROM instance_secrets WHERE name = 'integrations_key'`);
      return String(row?.value ?? '');
    },
  });
  let whatsappCloud: ReturnType<typeof makeWhatsappCloudService> | undefined;
  const integrations = makeIntegrationsService({ db, systemDb, clock, box, providers: () => ({ whatsapp: cloud().provider }) });
  const cloud = () =>
    (whatsappCloud ??= makeWhatsappCloudService({
      db,
      clock,
      // Set by loadConfig (default https://graph.facebook.com/v21.0); a Config built without it (tests) calls out nowhere.
      graphBaseUrl: deps.config.graphBaseUrl,
      outbound: { allow: deps.config.outboundAllow },
      integrations,
      ...deps.services(),
    }));
  return {
    services: {
      integrations,
      whatsappCloud: {
        send: (m: OutboundMessage) => cloud().send(m),
        syncTemplates: (...a: Parameters<ReturnType<typeof makeWhatsappCloudService>['syncTemplates']>) => cloud().syncTemplates(...a),
        sendState: (...a: Parameters<ReturnType<typeof makeWhatsappCloudService>['sendState']>) => cloud().sendState(...a),
      },
    },
    /** For delivery.ts `withWhatsappSender`: undefined for a workspace without a WhatsApp integration. */
    send: (m: OutboundMessage) => cloud().send(m),
  };
}
