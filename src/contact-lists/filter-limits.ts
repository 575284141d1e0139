// One source for the filter tree's bounds: the validator enforces them and the OpenAPI document states them.
import type { FieldError } from '../lib/errors.ts';

/** Levels a filter tree may nest: the root is level 1, each `and`/`or`/`not` adds one. */
export const FILTER_MAX_DEPTH = 8;
/** Conditions (`{ field, op, value }` leaves) one filter tree may hold. */
export const FILTER_MAX_CONDITIONS = 200;

/**
 * Checks a filter tree's shape bounds iteratively (no recursion, so a hostile depth cannot
 * overflow the stack), before anything compiles or walks it recursively. Returns the first
 * breach only, with its pointer: one small error however large the tree.
 */
export function filterLimitError(tree: unknown, pointer = '/filter'): FieldError | undefined {
  const stack: [node: unknown, pointer: string, depth: number][] = [[tree, pointer, 1]];
  let conditions = 0;
  while (stack.length) {
    const [node, p, depth] = stack.pop()!;
    if (depth > FILTER_MAX_DEPTH) return { pointer: p, code: 'too_deep', message: `filters nest at most ${FILTER_MAX_DEPTH} levels` };
    if (!node || typeof node !== 'object' || Array.isArray(node)) continue;
    const obj = node as Record<string, unknown>;
    const group = (['and', 'or'] as const).find((g) => Object.hasOwn(obj, g));
    if (group) {
      const items = obj[group];
      if (!Array.isArray(items)) continue;
      // Pushed in reverse so the walk meets nodes in document order (the 201st condition is named).
      for (let i = items.length - 1; i >= 0; i--) stack.push([items[i], `${p}/${group}/${i}`, depth + 1]);
      continue;
    }
    if (Object.hasOwn(obj, 'not')) {
      stack.push([obj.not, `${p}/not`, depth + 1]);
      continue;
    }
    if (++conditions > FILTER_MAX_CONDITIONS) {
      return { pointer: p, code: 'too_many_conditions', message: `a filter holds at most ${FILTER_MAX_CONDITIONS} conditions` };
    }
  }
  return undefined;
}
