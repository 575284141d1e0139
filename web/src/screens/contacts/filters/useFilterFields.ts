import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Condition } from '../url-state.ts';
import { useAttributes, usePlaybooks, useUsers } from '../workspace-data.ts';
import { BUILT_IN_FIELDS, VALUELESS_OPS, attributeFields, type FieldDef } from './fields.ts';

/** Every filterable field (built-ins, then the workspace's attributes) and words for a condition. */
export function useFilterFields() {
  const { t } = useTranslation();
  const attributes = useAttributes();
  const users = useUsers();
  const playbooks = usePlaybooks();

  const fields = useMemo(() => [...BUILT_IN_FIELDS, ...attributeFields(attributes.data ?? [])], [attributes.data]);
  const byName = useMemo(() => new Map(fields.map((d) => [d.field, d])), [fields]);
  const label = (l: FieldDef['label']) => ('key' in l ? t(l.key) : l.text);
  const stages = useMemo(
    () => (playbooks.data ?? []).flatMap((p) => p.stages.filter((s) => !s.archived).map((s) => ({ value: s.id, label: `${p.name} · ${s.name}` }))),
    [playbooks.data],
  );
  const owners = useMemo(() => (users.data ?? []).map((u) => ({ value: u.id, label: u.name || u.email })), [users.data]);

  /** The value as a person reads it: names instead of ids, "Sí"/"No", days. */
  function valueText(def: FieldDef | undefined, c: Condition): string {
    if (VALUELESS_OPS.has(c.op)) return '';
    const one = (v: unknown): string => {
      if (!def) return String(v);
      if (def.kind === 'boolean') return v ? t('views.yes') : t('views.no');
      if (def.kind === 'owner') return owners.find((o) => o.value === v)?.label ?? String(v);
      if (def.kind === 'stage') return stages.find((o) => o.value === v)?.label ?? String(v);
      if (def.kind === 'days') return t('views.days', { count: Math.round(Number(v) / 86400) });
      if (def.kind === 'instant' && typeof v === 'string') return v.slice(0, 10);
      const option = def.options?.find((o) => o.value === v);
      return option ? label(option.label) : String(v);
    };
    return Array.isArray(c.value) ? c.value.map(one).join(', ') : one(c.value);
  }

  function describe(c: Condition): string {
    const def = byName.get(c.field);
    const op = VALUELESS_OPS.has(c.op) ? t(c.value === false ? 'views.op.notEmpty' : 'views.op.isEmpty') : t(`views.op.${c.op}`, { defaultValue: c.op });
    return [def ? label(def.label) : c.field, op, valueText(def, c)].filter(Boolean).join(' ');
  }

  return { fields, byName, label, describe, owners, stages };
}
