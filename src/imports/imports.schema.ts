import { z } from 'zod';
import { CONSENT_NAMES } from '../contacts/contacts.schema.ts';

export const IMPORT_FIELDS = [
  'firstName', 'lastName', 'fullName', 'company', 'email', 'phone', 'whatsappUserId', 'additionalEmails',
  'additionalPhones', 'externalRefId', 'ownerEmail', 'playbook', 'stage', 'sourceDetail', 'id',
] as const;
export const IMPORT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export const IMPORT_DELIMITERS = [',', ';', '\t', '|'] as const;
export const MATCH_KEYS = ['email', 'phone', 'externalRef'] as const;
/** `atomic` imports run in one transaction: files up to this many rows. */
export const ATOMIC_MAX_ROWS = 50_000;

export const ColumnTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('field'), field: z.enum(IMPORT_FIELDS) }).strict(),
  z.object({ kind: z.literal('consent'), consent: z.enum(CONSENT_NAMES) }).strict(),
  z.object({ kind: z.literal('attribute'), key: z.string().min(1).max(63) }).strict(),
  z.object({ kind: z.literal('ignore') }).strict(),
]).meta({ id: 'ImportColumnTarget', description: 'Where one column of the file goes' });
export type ColumnTarget = z.infer<typeof ColumnTarget>;

const optionFields = {
  encoding: z.enum(IMPORT_ENCODINGS).optional().meta({ description: 'Override the detected encoding' }),
  delimiter: z.enum(IMPORT_DELIMITERS).optional().meta({ description: 'Override the detected delimiter' }),
  mapping: z.array(ColumnTarget).max(500).optional().meta({ description: 'One target per column of the file, in order; replaces the suggested mapping' }),
  matchBy: z.array(z.enum(MATCH_KEYS)).max(3).optional().meta({ description: 'Keys that find an existing contact to update instead of creating one (default `email`); empty: always create' }),
  mode: z.enum(['partial', 'atomic']).optional().meta({ description: '`partial` (default): valid rows are applied, invalid ones reported. `atomic`: all rows or none (up to 50,000 rows)' }),
  duplicates: z.enum(['merge', 'report']).optional().meta({ description: 'A row with the same email or phone as an earlier row of the file: `merge` (default) updates the contact the earlier row wrote; `report` reports it as a conflict' }),
};

export const ImportOptionsInput = z.object(optionFields).strict().meta({ id: 'ImportOptionsInput' });
export type ImportOptionsInput = z.infer<typeof ImportOptionsInput>;
export const ImportUpdate = z.object(optionFields).strict().meta({ id: 'ImportUpdate' });
export type ImportUpdate = z.infer<typeof ImportUpdate>;

export type ImportOptions = {
  encoding?: (typeof IMPORT_ENCODINGS)[number];
  delimiter?: (typeof IMPORT_DELIMITERS)[number];
  matchBy: (typeof MATCH_KEYS)[number][];
  mode: 'partial' | 'atomic';
  duplicates: 'merge' | 'report';
};

const Counts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  conflict: z.number().int(),
  notApplied: z.number().int().meta({ description: 'Valid rows of an atomic import that was not applied because other rows failed' }),
}).meta({ id: 'ImportCounts' });

export const ImportRowProblem = z.object({
  row: z.number().int(),
  line: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  message: z.string(),
}).meta({ id: 'ImportRowProblem' });

export const ImportPreviewRow = z.object({
  row: z.number().int(),
  line: z.number().int(),
  values: z.array(z.string()),
  contact: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What the row becomes with the mapping' }),
  problems: z.array(ImportRowProblem),
}).meta({ id: 'ImportPreviewRow' });

export const ImportDryRun = z.object({
  rows: z.number().int(),
  counts: Counts,
  samples: z.object({
    created: z.array(z.number().int()),
    updated: z.array(z.number().int()),
    unchanged: z.array(z.number().int()),
    problems: z.array(ImportRowProblem),
  }).meta({ description: 'Row numbers of a few rows of each outcome, and the first problems' }),
  at: z.string(),
}).meta({ id: 'ImportDryRun' });
export type ImportDryRun = z.infer<typeof ImportDryRun>;

export const ImportRollback = z.object({
  removed: z.number().int(),
  restored: z.number().int(),
  refused: z.number().int(),
  refusals: z.array(z.object({ row: z.number().int(), contactId: z.uuid(), code: z.string(), message: z.string() })),
  at: z.string(),
}).meta({ id: 'ImportRollback' });
export type ImportRollback = z.infer<typeof ImportRollback>;

export const Import = z.object({
  id: z.uuid(),
  status: z.enum(['draft', 'queued', 'running', 'succeeded', 'failed', 'rolled_back']),
  fileName: z.string(),
  sizeBytes: z.number().int(),
  encoding: z.string(),
  delimiter: z.string(),
  headers: z.array(z.string()),
  mapping: z.array(ColumnTarget),
  options: z.object({
    encoding: z.string().nullable(),
    delimiter: z.string().nullable(),
    matchBy: z.array(z.enum(MATCH_KEYS)),
    mode: z.enum(['partial', 'atomic']),
    duplicates: z.enum(['merge', 'report']),
  }),
  preview: z.array(ImportPreviewRow).nullable().meta({ description: 'The first rows as the mapping reads them (drafts only)' }),
  progress: z.object({
    rowsDone: z.number().int(),
    totalRows: z.number().int().nullable().meta({ description: 'Known once the whole file was read' }),
    estimatedRows: z.number().int(),
    rowsPerSecond: z.number().nullable(),
    etaSeconds: z.number().int().nullable(),
  }),
  counts: Counts,
  dryRun: ImportDryRun.nullable(),
  rollback: ImportRollback.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  errorsCsv: z.string().nullable().meta({ description: 'Where the failed rows can be downloaded, once there are any' }),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
}).meta({ id: 'Import' });
export type Import = z.infer<typeof Import>;

export const ImportListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
}).strict();
