import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as validatingSerializer } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<typeof validatingSerializer>[0];

/**
 * How responses become JSON. Tests validate every response against its zod schema (a handler
 * that answers off-schema fails its test); production writes it with a serializer compiled once
 * per route and status from the schema's JSON Schema (fast-json-stringify, Fastify's own):
 * only the declared properties, in the schema's order, as zod's parse-then-stringify does, at a
 * fraction of the cost (parsing a 50-contact page took 0.76 ms, three times the stringify).
 * Problems and any schema fast-json-stringify cannot express keep the validating serializer.
 * `src/lib/http/response-serializer.test.ts` answers real requests both ways and compares the bytes.
 */
export function responseSerializerCompiler(validate: boolean): FastifySerializerCompiler<unknown> {
  if (validate) return validatingSerializer as FastifySerializerCompiler<unknown>;
  return (route) => {
    // Compiled at a route's first answer, not at start: start-up builds ~150 routes' schemas.
    let write: ((data: unknown) => string) | undefined;
    return (data: unknown) => (write ??= compile(route as RouteSchema))(data);
  };
}

function compile(route: RouteSchema): (data: unknown) => string {
  const validating = validatingSerializer(route);
  const schema = (route as { schema: unknown }).schema;
  // Problems (open objects whose extra members keep their order) are the rare path: keep zod's.
  if (!(schema instanceof z.ZodType) || !/^2/.test(String((route as { httpStatus?: unknown }).httpStatus))) return validating;
  try {
    const json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'throw', reused: 'inline' });
    // A free-form value ({} or z.unknown()) is plain JSON.stringify anyway.
    if (Object.keys(json).filter((k) => k !== '$schema').length === 0) return (data: unknown) => JSON.stringify(data);
    return fastJson((hasRealUnion(json) ? json : nullableInsteadOfAnyOf(json)) as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
  } catch {
    return validating;
  }
}

const isNullType = (s: unknown) => typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'null' && Object.keys(s).length === 1;

/**
 * Whether the schema has a union other than "something or null" (the timeline's item types).
 * fast-json-stringify picks such a union's branch by validating the value with ajv, which does not
 * know `nullable`: a branch rewritten by nullableInsteadOfAnyOf (even through a `$ref` to a
 * definition) would match nothing. Such schemas are compiled as zod wrote them.
 */
export function hasRealUnion(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasRealUnion);
  if (typeof schema !== 'object' || schema === null) return false;
  const node = schema as Record<string, unknown>;
  if (node.oneOf !== undefined) return true;
  if (Array.isArray(node.anyOf) && !(node.anyOf.length === 2 && node.anyOf.some(isNullType))) return true;
  return Object.entries(node).some(([k, v]) => k !== 'enum' && k !== 'const' && hasRealUnion(v));
}

/**
 * zod writes a nullable field as `anyOf: [<schema>, { type: 'null' }]`, for which
 * fast-json-stringify runs an ajv validation per value to pick the branch (a third of a 50-contact
 * page's serialising in a CPU profile); `{ …<schema>, nullable: true }` is the same output with a
 * null check. Only a union of one single-typed schema and null is rewritten.
 */
export function nullableInsteadOfAnyOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableInsteadOfAnyOf);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'enum' || k === 'const' ? v : nullableInsteadOfAnyOf(v)])) as Record<string, unknown>;
  const union = node.anyOf;
  if (!Array.isArray(union) || union.length !== 2 || !union.some(isNullType)) return node;
  const other = union.find((s) => !isNullType(s)) as Record<string, unknown> | undefined;
  if (!other || typeof other.type !== 'string' || other.type === 'null' || 'anyOf' in other || 'oneOf' in other || 'nullable' in other) return node;
  const { anyOf: _union, ...rest } = node;
  return { ...rest, ...other, nullable: true };
}
