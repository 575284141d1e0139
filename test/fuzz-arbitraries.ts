import fc from 'fast-check';

/** A JSON Schema node as the served OpenAPI document has it (3.1: JSON Schema 2020-12). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is data, walked field by field
export type JsonSchema = Record<string, any>;

/** Where generated values come from: the document (for `$ref`s) and the workspace's real ids. */
export type GenContext = { components: Record<string, JsonSchema>; ids: string[]; idsByName: Record<string, string[]> };

const iso = (min: string, max: string) => fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.toISOString());
const instant = iso('2000-01-01', '2100-01-01');
const day = instant.map((s) => s.slice(0, 10));

/** Plain addresses: fc.emailAddress() draws RFC corner cases most validators (rightly) refuse. */
const email = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}$/), fc.constantFrom('example.com', 'test.es', 'mail.example.org')).map(([l, d]) => `${l}@${d}`);
const phone = fc.constantFrom('+34612345678', '612 34 56 78', '0034612345679', '+525512345678', '+34 699 000 111');

/** Likely-valid strings for fields whose name says what they hold (the schema cannot). */
const BY_NAME: Record<string, fc.Arbitrary<string>> = {
  phone,
  additionalPhones: phone,
  email,
  additionalEmails: email,
  from: email,
  to: email,
  whatsappUserId: fc.stringMatching(/^[a-z0-9]{1,20}$/),
  types: fc.constantFrom('deal', 'task', 'comment', 'deal,task,meeting', 'contact.created'),
  currency: fc.constantFrom('EUR', 'USD', 'GBP'),
  country: fc.constantFrom('ES', 'MX', 'FR'),
  defaultCountry: fc.constantFrom('ES', 'MX', 'FR'),
  timeZone: fc.constantFrom('Europe/Madrid', 'America/Mexico_City', 'UTC'),
  locale: fc.constantFrom('es-ES', 'en', 'pt-BR'),
  sort: fc.constantFrom('-createdAt', 'lastName', '-updatedAt', 'attributes.budget', 'timeWaiting', 'relevance'),
  key: fc.constantFrom('budget', 'segment', 'vip'),
  url: fc.webUrl(),
  recordingUrl: fc.webUrl(),
  mediaUrl: fc.webUrl(),
  link: fc.webUrl(),
};

const FILTER_FIELDS = ['q', 'id', 'firstName', 'lastName', 'company', 'email', 'phone', 'ownerId', 'source', 'createdAt', 'updatedAt', 'consents.marketingEmail',
  'attributes.budget', 'attributes.segment', 'pendingAttention', 'attentionReason', 'timeWaiting', 'stageId', 'playbookId', 'timeInStage', 'whatsappWindow'];
const FILTER_OPS = ['eq', 'in', 'contains', 'isEmpty', 'is_empty', 'gt', 'gte', 'lt', 'lte', 'between', 'matches', 'before', 'after', 'open', 'closingWithinHours', 'olderThanDays'];

/** A filter tree (`and`/`or`/`not` over conditions) of real field names, with values of any shape. */
export function filterArbitrary(ids: string[]): fc.Arbitrary<unknown> {
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.boolean(), fc.integer({ min: -10, max: 1000 }), instant, fc.constantFrom(...ids),
    fc.array(fc.oneof(fc.constantFrom(...ids), fc.string({ maxLength: 8 }), fc.constantFrom('web', 'api')), { maxLength: 3 }), fc.record({ from: instant, to: instant }));
  const condition = fc.record({ field: fc.constantFrom(...FILTER_FIELDS), op: fc.constantFrom(...FILTER_OPS), value }, { requiredKeys: ['field', 'op'] });
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, condition,
      fc.record({ and: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ or: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('tree') })),
  }));
  return tree;
}

const clampLen = (min: number | undefined, max: number | undefined) => {
  const lo = min ?? 0;
  return { minLength: lo, maxLength: Math.max(lo, Math.min(max ?? 24, lo + 24)) };
};

function stringArbitrary(s: JsonSchema, ctx: GenContext, name: string | undefined): fc.Arbitrary<string> {
  switch (s.format) {
    case 'uuid': {
      const named = name ? ctx.idsByName[name] : undefined;
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(named ?? ctx.ids)) }, { weight: 1, arbitrary: fc.constantFrom(...ctx.ids) }, { weight: 1, arbitrary: fc.uuid() });
    }
    case 'email':
      return email;
    case 'date-time':
      return instant;
    case 'date':
      return day;
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (name && BY_NAME[name]) return BY_NAME[name]!;
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length <= (s.maxLength ?? Infinity) && x.length >= (s.minLength ?? 0));
    } catch {
      // A pattern JavaScript cannot compile: fall through to any string.
    }
  }
  return fc.string(clampLen(s.minLength, s.maxLength));
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = Math.max(typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : -1000, -1e9);
  const hi = Math.min(typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : 1000, 1e9);
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.max(Math.ceil(lo), Math.floor(hi)) });
  return fc.double({ min: lo, max: Math.max(lo, hi), noNaN: true, noDefaultInfinity: true });
}

function mergeAllOf(parts: JsonSchema[]): JsonSchema {
  const out: JsonSchema = {};
  for (const p of parts) {
    Object.assign(out, p, {
      properties: { ...(out.properties ?? {}), ...(p.properties ?? {}) },
      required: [...(out.required ?? []), ...(p.required ?? [])],
    });
  }
  delete out.allOf;
  return out;
}

/**
 * Mostly-valid values for a JSON Schema: formats, enums, bounds and required members honoured,
 * uuids drawn mostly from the workspace's real ids so requests reach the services. `$ref`s
 * resolve into the document's components; recursion is cut off past a few levels.
 */
export function arbitraryFor(schema: JsonSchema | boolean | undefined, ctx: GenContext, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || schema === true || (typeof schema === 'object' && Object.keys(schema).length === 0)) {
    return fc.jsonValue({ maxDepth: 2 });
  }
  if (schema === false) return fc.constant(null);
  if (depth > 6) return fc.constant(null);
  if (name === 'filter') return filterArbitrary(ctx.ids);
  if (typeof schema.$ref === 'string') {
    const target = ctx.components[schema.$ref.replace('#/components/schemas/', '')];
    return arbitraryFor(target ?? {}, ctx, name, depth + 1);
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a: JsonSchema) => arbitraryFor(a, ctx, name, depth + 1)));
  if (Array.isArray(schema.allOf)) return arbitraryFor(mergeAllOf(schema.allOf), ctx, name, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t: string) => arbitraryFor({ ...schema, type: t }, ctx, name, depth)));
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, ctx, name);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = schema.minItems ?? 0;
      return fc.array(arbitraryFor(schema.items, ctx, name, depth + 1), { minLength: min, maxLength: Math.min(schema.maxItems ?? 3, min + 3) });
    }
    default: {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      if (name === 'customAttributes') {
        return fc.record({ budget: fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.constant(null)), segment: fc.constantFrom('smb', null) }, { requiredKeys: [] });
      }
      if (Object.keys(props).length === 0) {
        const values = schema.additionalProperties && schema.additionalProperties !== true ? arbitraryFor(schema.additionalProperties, ctx, undefined, depth + 1) : fc.jsonValue({ maxDepth: 1 });
        return fc.dictionary(fc.oneof(fc.constantFrom('budget', 'segment', 'vip'), fc.string({ maxLength: 8 })), values, { maxKeys: 3 });
      }
      const record = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryFor(v, ctx, k, depth + 1)]));
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) });
    }
  }
}
