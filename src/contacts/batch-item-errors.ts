import type { z } from 'zod';
import type { FieldError } from '../lib/errors.ts';
import type { BatchItemResult } from './batch.schema.ts';

/** zod issues of one item → field errors pointing into the request (`/items/3/email`). */
export function itemErrors(error: z.ZodError, index: number): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const at = `/items/${index}${issue.path.map((p) => `/${String(p)}`).join('')}`;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ pointer: `${at}/${key}`, code: 'unknown_field', message: `${key} is not a field of this resource` });
      continue;
    }
    const custom = (issue as { params?: { code?: string } }).params?.code;
    const known = ['invalid_type', 'too_big', 'too_small', 'invalid_value', 'invalid_format'];
    out.push({ pointer: at, code: custom ?? (known.includes(issue.code) ? issue.code : 'invalid'), message: issue.message });
  }
  return out;
}

export const prefixed = (index: number, errors: FieldError[]): FieldError[] => errors.map((e) => ({ ...e, pointer: `/items/${index}${e.pointer === '/' ? '' : e.pointer}` }));

export const invalid = (index: number, errors: FieldError[]): BatchItemResult => ({
  index,
  status: 'error',
  problem: { code: 'validation_failed', message: errors.map((e) => `${e.pointer}: ${e.message}`).slice(0, 5).join('; '), errors },
});
