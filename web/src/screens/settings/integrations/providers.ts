import type { Schemas } from '../../../lib/api.ts';

export type Provider = Schemas['IntegrationProvider'];
export type Integration = Schemas['Integration'];

/** A plain setting or secret of a provider, by its API name (its label is `settings.integrations.field.<name>`). */
export type FieldSpec = { name: string; required: boolean; placeholder?: string };

export type ProviderSpec = {
  settings: FieldSpec[];
  secrets: FieldSpec[];
  /** Answers or posted fields map to contact fields as `map.<ref>` = target (Typeform, web forms). */
  mapping: boolean;
};

/**
 * What each provider's form asks, mirroring the API's schemas (integrations.schema.ts). A provider
 * the API knows but this list does not yet still shows its card, status, webhook URL and events.
 */
export const PROVIDERS: Partial<Record<Provider, ProviderSpec>> = {
  whatsapp: {
    settings: [
      { name: 'phoneNumberId', required: true, placeholder: '106540352242922' },
      { name: 'wabaId', required: true, placeholder: '102290129340398' },
      { name: 'verifyToken', required: true },
    ],
    secrets: [{ name: 'appSecret', required: true }, { name: 'accessToken', required: true }],
    mapping: false,
  },
  typeform: { settings: [], secrets: [{ name: 'secret', required: true }], mapping: true },
  calendly: { settings: [], secrets: [{ name: 'signingKey', required: true }], mapping: false },
  web_form: {
    settings: [
      { name: 'thankYouUrl', required: false, placeholder: 'https://www.example.com/gracias' },
      { name: 'origins', required: false, placeholder: 'https://www.example.com' },
      { name: 'honeypot', required: false, placeholder: 'website' },
    ],
    secrets: [{ name: 'timestampKey', required: false }],
    mapping: true,
  },
};

export const PROVIDER_IDS = Object.keys(PROVIDERS) as Provider[];

export const MAPPING_TARGETS = [
  'email', 'phone', 'fullName', 'firstName', 'lastName', 'company', 'ignore',
  'consent:transactionalWhatsapp', 'consent:transactionalEmail', 'consent:marketingWhatsapp', 'consent:marketingEmail',
] as const;

/** Conectado / Con errores / Sin configurar, from the API's status. */
export function statusOf(i: Integration): 'connected' | 'failing' | 'unconfigured' {
  if (i.status.connected) return 'connected';
  if (i.status.lastError) return 'failing';
  return 'unconfigured';
}

/** The webhook URL to give the provider: the API answers a path on this server. */
export const absoluteWebhookUrl = (path: string): string => new URL(path, window.location.origin).toString();
