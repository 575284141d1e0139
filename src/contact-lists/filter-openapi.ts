import { z } from 'zod';
import { FILTER_FIELDS } from './filter-fields.ts';
import { FILTER_MAX_CONDITIONS, FILTER_MAX_DEPTH } from './filter-limits.ts';

type JsonSchema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Operators of `attributes.<key>` (see `attributeField`): the value is checked against the definition. */
const ATTRIBUTE_OPS = ['eq', 'in', 'contains_any', 'contains_all', 'gte', 'lte', 'between', 'is_empty'];

function valueSchema(value: z.ZodType): JsonSchema {
  const { $schema: _drop, ...schema } = z.toJSONSchema(value, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return schema;
}

const condition = (field: JsonSchema, ops: string[], value: JsonSchema, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: ['field', 'op', 'value'],
  additionalProperties: false,
  properties: { field, op: ops.length === 1 ? { const: ops[0] } : { enum: ops }, value },
});

/**
 * One condition schema per field (per operator where operators take different values), generated
 * from `FILTER_FIELDS`, so the document lists exactly the fields and operators the compiler accepts.
 */
function conditionBranches(): JsonSchema[] {
  const branches: JsonSchema[] = [];
  for (const [field, ops] of Object.entries(FILTER_FIELDS)) {
    const byValue = new Map<string, { ops: string[]; schema: JsonSchema }>();
    for (const [op, operator] of Object.entries(ops)) {
      const schema = valueSchema(operator.value);
      const key = JSON.stringify(schema);
      byValue.set(key, { ops: [...(byValue.get(key)?.ops ?? []), op], schema });
    }
    for (const { ops: names, schema } of byValue.values()) branches.push(condition({ const: field }, names, schema));
  }
  branches.push(
    condition(
      { type: 'string', pattern: '^attributes\\.[a-z][a-z0-9_]*$' },
      ATTRIBUTE_OPS,
      {},
      'A custom attribute by its key: the value is checked against the attribute\'s type (`between` takes `[from, to]`, `in` and `contains_*` a list, `is_empty` a boolean)',
    ),
  );
  return branches;
}

/**
 * The contact filter tree as documentation-only component schemas (the server validates it node
 * by node for exact error pointers, so its zod schema is an open record). Replaces the registry's
 * `ContactFilter` in the OpenAPI document.
 */
export function contactFilterSchemas(): Record<string, JsonSchema> {
  const group = (key: 'and' | 'or', meaning: string): JsonSchema => ({
    type: 'object',
    description: `Matches contacts that match ${meaning} of the nodes`,
    required: [key],
    additionalProperties: false,
    properties: { [key]: { type: 'array', minItems: 1, maxItems: FILTER_MAX_CONDITIONS, items: ref('ContactFilter') } },
  });
  return {
    ContactFilter: {
      description:
        `A filter tree over contacts: a group \`{ "and": [node, …] }\` / \`{ "or": [node, …] }\`, a negation \`{ "not": node }\` ` +
        'or a condition `{ "field": "source", "op": "eq", "value": "web" }` (see `ContactFilterCondition` for every field and operator). ' +
        `Limits: at most ${FILTER_MAX_DEPTH} levels deep (the root is level 1; each group or negation adds one) and ` +
        `${FILTER_MAX_CONDITIONS} conditions in all; past either the request is refused with 422 (\`too_deep\`, \`too_many_conditions\`). ` +
        'Every mistake is reported with the JSON pointer of its node (`/filter/and/1/op`).',
      oneOf: [ref('ContactFilterAnd'), ref('ContactFilterOr'), ref('ContactFilterNot'), ref('ContactFilterCondition')],
      examples: [
        {
          and: [
            { field: 'source', op: 'in', value: ['web', 'meta_ads'] },
            { or: [{ field: 'ownerId', op: 'isEmpty', value: true }, { field: 'consents.marketingWhatsapp', op: 'eq', value: true }] },
            { not: { field: 'ignored', op: 'eq', value: true } },
          ],
        },
      ],
    },
    ContactFilterAnd: group('and', 'all'),
    ContactFilterOr: group('or', 'at least one'),
    ContactFilterNot: {
      type: 'object',
      description: 'Matches contacts that do not match the node (a condition on an empty field counts as not matching)',
      required: ['not'],
      additionalProperties: false,
      properties: { not: ref('ContactFilter') },
    },
    ContactFilterCondition: {
      description:
        'One field compared with one operator. Text operators (`eq`, `startsWith`, `contains`) ignore case and accents; ' +
        'times are ISO 8601 with an offset; `between` takes `[from, to)`; `timeInStage` and `timeWaiting` count seconds; ' +
        '`q` with `matches` is the search box. `email` and `phone` compare normalised identifiers (any of the contact\'s).',
      anyOf: conditionBranches(),
    },
  };
}
