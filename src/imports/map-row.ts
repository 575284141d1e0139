import type { ColumnTarget } from './imports.schema.ts';

/** What the mapping needs to know about the workspace, loaded once per run. */
export type MappingContext = {
  /** Users by lower-cased email. */
  users: ReadonlyMap<string, string>;
  /** Playbooks by folded name, with their stages by folded name. */
  playbooks: ReadonlyMap<string, { id: string; stages: ReadonlyMap<string, string> }>;
  /** Parses one cell for an attribute; returns the value the writer takes, or a problem. */
  attributeValue(key: string, raw: string): { value: unknown } | { code: string; message: string };
  /** A yes/no cell ("sí", "no", "true", "1"…), or undefined when it is neither. */
  parseBoolean(raw: string): boolean | undefined;
  /** Splits a cell holding several values ("a@x.es; b@x.es"). */
  splitMulti(raw: string): string[];
  /** "María José García López" → "María José" / "García López" (the locale's rule). */
  splitFullName(raw: string): { firstName: string; lastName: string | null };
};

export type RowProblem = { column: string | null; code: string; message: string };

export type MappedRow = {
  /** The writer's item (a ContactCreate; with `id` for updates). */
  item: Record<string, unknown>;
  /** Playbook and stage named by the row, set after the write. */
  stage?: { playbookId: string; stageId: string };
  problems: RowProblem[];
  /** Normalised email and phone digits, for duplicates inside the file. */
  keys: string[];
  /** Column of each item field, to name the column of a problem the writer reports. */
  columnOf: Record<string, string>;
};

export const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/** Maps one record's cells to a writer item by the column targets. Empty cells leave the field out. */
export function mapRow(headers: string[], mapping: ColumnTarget[], values: string[], ctx: MappingContext): MappedRow {
  const item: Record<string, unknown> = {};
  const problems: RowProblem[] = [];
  const columnOf: Record<string, string> = {};
  let playbookName: { value: string; column: string } | undefined;
  let stageName: { value: string; column: string } | undefined;
  const consents: Record<string, boolean> = {};
  const attributes: Record<string, unknown> = {};

  mapping.forEach((target, i) => {
    const column = headers[i] ?? `column ${i + 1}`;
    // The reader already gave NFC values with the R21 `'` guard taken off.
    const raw = (values[i] ?? '').trim();
    if (target.kind === 'ignore' || raw === '') return;
    if (target.kind === 'consent') {
      const v = ctx.parseBoolean(raw);
      if (v === undefined) problems.push({ column, code: 'invalid_boolean', message: `"${raw.slice(0, 50)}" is not yes/no` });
      else {
        consents[target.consent] = v;
        columnOf[`consents/${target.consent}`] = column;
      }
      return;
    }
    if (target.kind === 'attribute') {
      const parsed = ctx.attributeValue(target.key, raw);
      if ('code' in parsed) problems.push({ column, code: parsed.code, message: parsed.message });
      else {
        attributes[target.key] = parsed.value;
        columnOf[`customAttributes/${target.key}`] = column;
      }
      return;
    }
    const field = target.field;
    switch (field) {
      case 'fullName': {
        const { firstName, lastName } = ctx.splitFullName(raw);
        item.firstName ??= firstName;
        if (lastName) item.lastName ??= lastName;
        columnOf.firstName ??= column;
        columnOf.lastName ??= column;
        return;
      }
      case 'additionalEmails':
      case 'additionalPhones':
        item[field] = [...((item[field] as string[] | undefined) ?? []), ...ctx.splitMulti(raw)];
        columnOf[field] = column;
        return;
      case 'externalRefId':
        item.externalRef = { id: raw };
        columnOf.externalRef = column;
        return;
      case 'ownerEmail': {
        const id = ctx.users.get(raw.toLowerCase());
        if (!id) problems.push({ column, code: 'unknown_user', message: `No user ${raw.slice(0, 100)} in this workspace` });
        else {
          item.ownerId = id;
          columnOf.ownerId = column;
        }
        return;
      }
      case 'playbook':
        playbookName = { value: raw, column };
        return;
      case 'stage':
        stageName = { value: raw, column };
        return;
      case 'sourceDetail':
        // Created contacts carry `import:<id>` (how they arrived); the column is informative only.
        return;
      default:
        item[field] = raw;
        columnOf[field] = column;
    }
  });

  if (Object.keys(consents).length) item.consents = consents;
  if (Object.keys(attributes).length) item.customAttributes = attributes;

  let stage: MappedRow['stage'];
  if (stageName || playbookName) {
    const playbook = playbookName
      ? ctx.playbooks.get(fold(playbookName.value))
      : ctx.playbooks.size === 1 ? [...ctx.playbooks.values()][0] : undefined;
    if (!playbook) {
      const at = playbookName ?? stageName!;
      problems.push({ column: at.column, code: 'unknown_playbook', message: playbookName ? `No playbook named "${playbookName.value.slice(0, 100)}"` : 'Name the playbook of the stage (more than one exists)' });
    } else if (stageName) {
      const stageId = playbook.stages.get(fold(stageName.value));
      if (!stageId) problems.push({ column: stageName.column, code: 'unknown_stage', message: `No stage named "${stageName.value.slice(0, 100)}" in the playbook` });
      else stage = { playbookId: playbook.id, stageId };
    } else {
      const first = [...playbook.stages.values()][0];
      if (first) stage = { playbookId: playbook.id, stageId: first };
    }
  }

  const keys: string[] = [];
  if (typeof item.email === 'string') keys.push(`e:${item.email.trim().toLowerCase()}`);
  if (typeof item.phone === 'string') {
    const digits = item.phone.replace(/\D/g, '').replace(/^00/, '');
    if (digits.length >= 6) keys.push(`p:${digits.slice(-9)}`);
  }
  return { item, stage, problems, keys, columnOf };
}
