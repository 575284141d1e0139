// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is plain JSON shaped in place
type Node = Record<string, any>;

const PREFIX = '#/components/schemas/';
const INPUT = 'Input';

/** Every `$ref` value in a JSON tree, rewritten by `map` (a name → its new name, or unchanged). */
function rewriteRefs(node: unknown, map: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, map));
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX) ? PREFIX + map(v.slice(PREFIX.length)) : rewriteRefs(v, map);
  }
  return out;
}

function refsIn(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) refsIn(n, into);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX)) into.add(v.slice(PREFIX.length));
      else refsIn(v, into);
    }
  }
  return into;
}

/** Schemas reachable from the operations and shared components (not from unused schemas). */
function reachable(doc: Node): Set<string> {
  const { schemas = {}, ...otherComponents } = doc.components ?? {};
  const seen = refsIn([doc.paths, otherComponents], new Set());
  const queue = [...seen];
  while (queue.length) {
    for (const name of refsIn(schemas[queue.pop()!], new Set())) {
      if (!seen.has(name)) {
        seen.add(name);
        queue.push(name);
      }
    }
  }
  return seen;
}

/**
 * fastify-type-provider-zod names each registered schema twice: `X` as a response (output) and
 * `XInput` as a request (input). Clients need one name per thing, so: a pair whose two sides are
 * the same JSON becomes `X`; a schema used only as a request is called `X` too; both names stay
 * only when the shapes really differ (defaults make a field required on output). Unused schemas
 * are dropped, and the rest sorted so the document (and the generated client) is stable.
 */
export function normaliseSchemaNames(doc: Node): Node {
  const schemas: Node = doc.components?.schemas ?? {};
  const pairs = Object.keys(schemas).filter((n) => n.endsWith(INPUT) && schemas[n.slice(0, -INPUT.length)]).map((n) => n.slice(0, -INPUT.length));
  // Greatest fixpoint: assume every pair merges, then drop pairs that differ under that assumption.
  let merged = new Set(pairs);
  for (;;) {
    const asOne = (name: string) => (name.endsWith(INPUT) && merged.has(name.slice(0, -INPUT.length)) ? name.slice(0, -INPUT.length) : name);
    const still = new Set([...merged].filter((x) => JSON.stringify(rewriteRefs(schemas[`${x}${INPUT}`], asOne)) === JSON.stringify(rewriteRefs(schemas[x], asOne))));
    if (still.size === merged.size) break;
    merged = still;
  }
  const mergedMap = (name: string) => (name.endsWith(INPUT) && merged.has(name.slice(0, -INPUT.length)) ? name.slice(0, -INPUT.length) : name);
  let out = rewriteRefs(doc, mergedMap) as Node;
  for (const x of merged) delete out.components.schemas[`${x}${INPUT}`];

  // A request-only schema takes the plain name (its unused output twin goes).
  const used = reachable(out);
  const renames = new Map<string, string>();
  for (const name of Object.keys(out.components.schemas)) {
    const plain = name.slice(0, -INPUT.length);
    if (name.endsWith(INPUT) && used.has(name) && !used.has(plain)) renames.set(name, plain);
  }
  out = rewriteRefs(out, (n) => renames.get(n) ?? n) as Node;
  const renamed: Node = {};
  for (const [name, schema] of Object.entries<Node>(out.components.schemas)) {
    if (renames.has(name)) renamed[renames.get(name)!] = schema;
    else if (![...renames.values()].includes(name)) renamed[name] ??= schema;
  }
  out.components.schemas = renamed;

  const live = reachable(out);
  out.components.schemas = Object.fromEntries(
    Object.keys(out.components.schemas).filter((n) => live.has(n)).sort().map((n) => [n, out.components.schemas[n]]),
  );
  return out;
}
