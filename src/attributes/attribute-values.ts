import type { FieldError } from '../lib/errors.ts';
import type { AttributeOption, AttributeType } from './attributes.tables.ts';

/** What validation needs of a definition. */
export type AttributeDefinition = { key: string; label: string; type: AttributeType; options: AttributeOption[]; required: boolean };

/** Keeps a value inside one B-tree index entry (per-key index) even in 4-byte UTF-8. */
export const TEXT_MAX = 500;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date `YYYY-MM-DD`: 2026-02-30 and 2025-02-29 are not. */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export type ValueResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const bad = (code: string, message: string): ValueResult => ({ ok: false, code, message });

/** The sent value as the error names it: cut short, so a huge input never makes a huge error. */
const ECHO_MAX = 60;
function echo(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text;
}

/**
 * One value against its definition. `null` (and an empty text or empty multi-select) means
 * "no value". Returns the value to store.
 */
export function checkValue(def: AttributeDefinition, v: unknown): ValueResult {
  if (v === null) return { ok: true, value: null };
  const optionValues = def.options.map((o) => o.value);
  const notOption = (x: unknown) => bad('not_an_option', `${echo(x)} is not an option of ${def.key}; options: ${optionValues.join(', ')}`);
  switch (def.type) {
    case 'text':
      if (typeof v !== 'string') return bad('invalid_type', 'must be a string');
      if (v.length > TEXT_MAX) return bad('too_long', `at most ${TEXT_MAX} characters`);
      return { ok: true, value: v.trim() === '' ? null : v };
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('invalid_type', 'must be a finite number');
      return { ok: true, value: v };
    case 'date':
      if (typeof v !== 'string' || !isCalendarDate(v)) return bad('invalid_date', 'must be a calendar date YYYY-MM-DD');
      return { ok: true, value: v };
    case 'boolean':
      if (typeof v !== 'boolean') return bad('invalid_type', 'must be true or false');
      return { ok: true, value: v };
    case 'single_select':
      if (typeof v !== 'string') return bad('invalid_type', 'must be one option value (a string)');
      return optionValues.includes(v) ? { ok: true, value: v } : notOption(v);
    case 'multi_select': {
      if (!Array.isArray(v)) return bad('invalid_type', 'must be an array of option values');
      for (const x of v) if (typeof x !== 'string' || !optionValues.includes(x)) return notOption(x);
      if (new Set(v).size !== v.length) return bad('duplicate_option', 'an option is listed twice');
      return { ok: true, value: v.length ? v : null };
    }
  }
}

/**
 * Values of a contact create or update against the workspace's definitions: unknown keys are
 * rejected, required ones cannot be cleared and must be given on create (except by automated
 * channels, which cannot know them). Returns the values to store; `null` means "clear".
 */
export function checkAttributeValues(
  defs: AttributeDefinition[],
  values: Record<string, unknown>,
  ctx: { creating: boolean; automated: boolean },
): { values: Record<string, unknown>; errors: FieldError[] } {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const pointer = `/customAttributes/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const def = byKey.get(key);
    if (!def) {
      errors.push({ pointer, code: 'unknown_attribute', message: `No contact attribute "${key}" is defined in this workspace` });
      continue;
    }
    const r = checkValue(def, raw);
    if (!r.ok) errors.push({ pointer, code: r.code, message: `${def.label}: ${r.message}` });
    else if (r.value === null && def.required) errors.push({ pointer, code: 'required', message: `${def.label} is required and cannot be empty` });
    else if (r.value !== null || !ctx.creating) out[key] = r.value;
  }
  if (ctx.creating && !ctx.automated) {
    for (const def of defs) {
      if (def.required && !(def.key in values)) {
        errors.push({ pointer: `/customAttributes/${def.key}`, code: 'required', message: `${def.label} is required` });
      }
    }
  }
  return { values: out, errors };
}
