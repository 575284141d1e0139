/**
 * Deterministic bench data: a seeded PRNG drives every choice, so a size always yields the same
 * contacts. Spanish and Latin-American names with two surnames and accents, emails, phones of
 * ES/MX/AR/CO/BR (stored E.164, as the API stores them), companies, owners, stages, attribute
 * values of every type, consents, attention and WhatsApp-window state, ~5% duplicates.
 */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}
export type Rng = ReturnType<typeof prng>;

export const FIRST = ['José', 'María', 'Juan', 'Ana', 'Luis', 'Carmen', 'Javier', 'Lucía', 'Andrés', 'Sofía', 'Ángel', 'Valentina', 'Diego', 'Camila', 'Íñigo', 'Martín', 'Ximena', 'João', 'Begoña', 'Raúl', 'Inés', 'Sebastián', 'Agustín', 'Mónica', 'Ramón', 'Nuria', 'Héctor', 'Guadalupe', 'Tomás', 'Renata'];
export const SURNAMES = ['García', 'López', 'Martínez', 'Rodríguez', 'Fernández', 'González', 'Sánchez', 'Pérez', 'Gómez', 'Díaz', 'Hernández', 'Muñoz', 'Álvarez', 'Jiménez', 'Ruiz', 'Romero', 'Núñez', 'Ibáñez', 'Castillo', 'Ortiz', 'Silva', 'Souza', 'Conceição', 'Gutiérrez', 'Ramírez', 'Vázquez', 'Peña', 'Ospina', 'Quintero', 'Aragón'];
const COMPANY_A = ['Grupo', 'Inversiones', 'Comercial', 'Tecnologías', 'Servicios', 'Distribuidora', 'Constructora', 'Agro'];
const COMPANY_B = ['Andina', 'Ibérica', 'del Sur', 'Pacífico', 'Atlántico', 'Cañada', 'Río Claro', 'Montaña', 'Solar', 'Bahía'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'yahoo.es', 'outlook.com', 'empresa.mx', 'correo.co', 'uol.com.br', 'fibertel.com.ar'];
export const SOURCES = ['manual', 'csv', 'api', 'call', 'whatsapp', 'email', 'web', 'typeform', 'calendly', 'meta_ads'];
const COUNTRIES = ['ES', 'ES', 'ES', 'MX', 'MX', 'AR', 'CO', 'BR'] as const;

const digits = (r: Rng, n: number) => Array.from({ length: n }, () => r.int(10)).join('');
const ascii = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** An E.164 phone of the country (mobile ranges), unique enough at a million. */
export function phoneOf(r: Rng, country: (typeof COUNTRIES)[number]): string {
  switch (country) {
    case 'ES': return `+346${digits(r, 8)}`;
    case 'MX': return `+52${r.pick(['55', '33', '81'])}${digits(r, 8)}`;
    case 'AR': return `+54911${r.pick(['4', '5', '6'])}${digits(r, 7)}`;
    case 'CO': return `+573${r.pick(['00', '01', '10', '20'])}${digits(r, 7)}`;
    case 'BR': return `+55${r.pick(['11', '21', '31'])}9${digits(r, 8)}`;
  }
}

/** The same number as a person would type it: national with spaces, or international with 00. */
export function typedPhone(r: Rng, e164: string): string {
  if (e164.startsWith('+34')) return r.next() < 0.5 ? `${e164.slice(3, 6)} ${e164.slice(6, 8)} ${e164.slice(8, 10)} ${e164.slice(10)}` : `0034${e164.slice(3)}`;
  return r.next() < 0.5 ? e164 : `00${e164.slice(1)}`;
}

export type GenContext = { owners: string[]; stages: { playbookId: string; stageIds: string[] }; attention: boolean; now: number };

export type GenContact = {
  id: string; firstName: string; lastName: string; email: string | null; phone: string | null; company: string | null;
  ownerId: string | null; source: string; consents: [boolean, boolean, boolean, boolean]; createdAt: string;
  playbookId: string | null; stageId: string | null; stageEnteredAt: string | null; customAttributes: Record<string, unknown>;
  attentionSince: string | null; attentionWhatsappSince: string | null; lastInboundWhatsappAt: string | null;
};

/** UUIDv7-shaped ids from the PRNG and the creation time: time-ordered and reproducible. */
function idAt(r: Rng, ms: number): string {
  const hex = ms.toString(16).padStart(12, '0') + '7' + Array.from({ length: 19 }, () => r.int(16).toString(16)).join('');
  const v = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${v}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The i-th contact of a workspace; `previous` feeds the ~5% duplicates (same email or phone). */
export function contactAt(r: Rng, i: number, ctx: GenContext, previous: GenContact | undefined): GenContact {
  const first = r.next() < 0.15 ? `${r.pick(FIRST)} ${r.pick(FIRST)}` : r.pick(FIRST);
  const last = `${r.pick(SURNAMES)} ${r.pick(SURNAMES)}`;
  const country = r.pick(COUNTRIES);
  const created = ctx.now - 3 * 365 * 86400_000 + Math.floor((i / 1.0) * 37_000) % (3 * 365 * 86400_000) + r.int(1000);
  const dup = previous && r.next() < 0.05;
  const email = dup && r.next() < 0.5 ? previous.email : r.next() < 0.9 ? `${ascii(first.split(' ')[0]!)}.${ascii(last.split(' ')[0]!)}${i}@${r.pick(DOMAINS)}` : null;
  const phone = dup && !email ? previous.phone : r.next() < 0.85 ? phoneOf(r, country) : null;
  const inStage = r.next() < 0.7 && ctx.stages.stageIds.length > 0;
  const stageEntered = created + r.int(60 * 86400_000);
  const pending = ctx.attention && r.next() < 0.05;
  const inbound = ctx.attention && r.next() < 0.1 ? ctx.now - r.int(48 * 3600_000) : null;
  const attrs: Record<string, unknown> = {};
  if (r.next() < 0.8) attrs.plan = r.pick(['basic', 'pro', 'enterprise']);
  if (r.next() < 0.7) attrs.budget = r.int(100_000);
  if (r.next() < 0.5) attrs.renewal = new Date(ctx.now + r.int(365) * 86400_000).toISOString().slice(0, 10);
  if (r.next() < 0.6) attrs.tags = ['vip', 'partner', 'lead', 'churn-risk'].filter(() => r.next() < 0.3);
  if (r.next() < 0.9) attrs.newsletter = r.next() < 0.4;
  if (r.next() < 0.5) attrs.industry = r.pick(['retail', 'salud', 'educación', 'finanzas', 'agro']);
  const attentionSince = pending ? new Date(ctx.now - r.int(7 * 86400_000)).toISOString() : null;
  return {
    id: idAt(r, created),
    firstName: first,
    lastName: last,
    email: email ?? (phone ? null : `anon${i}@${r.pick(DOMAINS)}`),
    phone,
    company: r.next() < 0.6 ? `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}` : null,
    ownerId: r.next() < 0.9 ? r.pick(ctx.owners) : null,
    source: r.pick(SOURCES),
    consents: [r.next() < 0.95, r.next() < 0.95, r.next() < 0.3, r.next() < 0.25],
    createdAt: new Date(created).toISOString(),
    playbookId: inStage ? ctx.stages.playbookId : null,
    stageId: inStage ? r.pick(ctx.stages.stageIds) : null,
    stageEnteredAt: inStage ? new Date(Math.min(stageEntered, ctx.now)).toISOString() : null,
    customAttributes: attrs,
    attentionSince,
    attentionWhatsappSince: attentionSince,
    lastInboundWhatsappAt: inbound ? new Date(inbound).toISOString() : null,
  };
}
