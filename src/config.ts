import { z } from 'zod';

/** Environment, validated once at start so a typo fails fast with a clear message. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  VIXIEES_DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  WORKERS: z.enum(['on', 'off']).default('on'),
  VALIDATE_RESPONSES: z.enum(['on', 'off']).default('off'),
  DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  TRUST_PROXY: z.string().optional(),
  VIXIEES_SECRETS_KEY: z.string().optional(),
  VIXIEES_MAIL_PRIVATE_HOSTS: z.enum(['allow', 'refuse']).default('refuse'),
  WHATSAPP_GRAPH_BASE_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').default('https://graph.facebook.com/v21.0'),
  META_GRAPH_BASE_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').default('https://graph.facebook.com/v21.0'),
  VIXIEES_OUTBOUND_ALLOW: z.string().regex(/^([A-Za-z0-9.-]+:\d{1,5})(,[A-Za-z0-9.-]+:\d{1,5})*$/, 'must be host:port pairs, comma separated').optional(),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  workers: boolean;
  /**
   * Check every response against its zod schema before sending it (the test harness turns it on);
   * off, responses are written by serializers compiled from the schemas (`response-serializer.ts`).
   */
  validateResponses?: boolean;
  /** Largest document a contact may get attached; default 10 MB. */
  documentMaxBytes?: number;
  /** Requests per minute per API key; 0 or undefined turns the limit off. */
  rateLimitPerMinute?: number;
  /**
   * Failed authentications per minute per IP and presented key (ten times that per IP), refused
   * before the key lookup; 0 or undefined turns the budget off.
   */
  authFailuresPerMinute?: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (per-IP budgets): `true`
   * (any: only behind a proxy that overwrites it), a hop count, or addresses/CIDRs. Off by
   * default, so a client cannot choose its own address.
   */
  trustProxy?: boolean | number | string[];
  /** Integrations: the key sealing their secrets (base64, 32 bytes; a comma list while rotating), and the Graph API base. */
  secretsKey?: string;
  graphBaseUrl?: string;
  /** Meta lead ads: the Graph API base the leads are read from. */
  metaGraphBaseUrl?: string;
  /**
   * `host:port` pairs that outbound requests to supplied URLs may reach although private or
   * plain http (R35): only for fake servers in tests, never set in production.
   */
  outboundAllow?: string[];
  /** Mailboxes whose IMAP/SMTP host is on a private or loopback address may connect (a mail server on the team's own network). */
  mailPrivateHosts?: boolean;
};

/** `TRUST_PROXY`: unset/false, true, a hop count, or a comma-separated list of addresses/CIDRs. */
function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (DATABASE_URL=) means "not set", as shells and .env files use it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.VIXIEES_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    workers: e.WORKERS === 'on',
    validateResponses: e.VALIDATE_RESPONSES === 'on',
    documentMaxBytes: e.DOCUMENT_MAX_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    secretsKey: e.VIXIEES_SECRETS_KEY,
    mailPrivateHosts: e.VIXIEES_MAIL_PRIVATE_HOSTS === 'allow',
    graphBaseUrl: e.WHATSAPP_GRAPH_BASE_URL,
    metaGraphBaseUrl: e.META_GRAPH_BASE_URL,
    outboundAllow: e.VIXIEES_OUTBOUND_ALLOW?.split(','),
  };
}
