import { z } from 'zod';
import { FilterTree } from '../contact-lists/contact-lists.schema.ts';
import { DELIMITERS } from './csv-writer.ts';

const COLUMN = z.string().min(1).max(100);
const Delimiter = z.enum(DELIMITERS).meta({ description: 'Field separator: `,`, `;` or a tab. Default `;` when the workspace locale is Spanish (`es…`), else `,`.' });

const COLUMNS_DESCRIPTION =
  'Columns in order (default: all). Headers are the API field names, so the file re-imports without a mapping: `id, firstName, lastName, company, email, phone, whatsappUserId, additionalEmails, additionalPhones, ownerEmail, externalRefId, playbook, stage, consent.transactionalWhatsapp, consent.transactionalEmail, consent.marketingWhatsapp, consent.marketingEmail, attr.<key>` (each custom attribute), `source, sourceDetail, createdAt, updatedAt`.';

/** `POST /v1/contacts/export`: which contacts (filter tree, saved view, search box) and how. */
export const ContactExportRequest = z
  .object({
    filter: FilterTree.optional(),
    viewId: z.uuid().optional().meta({ description: 'Export the contacts of this saved view (its filter; combined with `filter` and `search` when given)' }),
    search: z.string().trim().min(1).max(200).optional().meta({ description: 'Search box, as in `GET /v1/contacts?q=`' }),
    columns: z.array(COLUMN).min(1).max(200).optional().meta({ description: COLUMNS_DESCRIPTION }),
    delimiter: Delimiter.optional(),
    includeDeleted: z.boolean().default(false).meta({ description: 'Also export contacts in the trash, walked after the live ones. The live walk never repeats or skips a row; a contact deleted or restored while this export runs may be in both parts or in neither.' }),
  })
  .strict()
  .meta({ id: 'ContactExportRequest', examples: [{ viewId: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41', columns: ['firstName', 'lastName', 'email', 'phone'], delimiter: ';' }] });
export type ContactExportRequest = z.infer<typeof ContactExportRequest>;

/** `GET /v1/contacts/export`: the same, for a link (a saved view or everything). */
export const ContactExportQuery = z
  .object({
    viewId: z.uuid().optional().meta({ description: 'Export the contacts of this saved view' }),
    columns: z.string().min(1).max(10_000).optional().meta({ description: `Comma-separated. ${COLUMNS_DESCRIPTION}` }),
    delimiter: Delimiter.optional(),
  })
  .strict();
export type ContactExportQuery = z.infer<typeof ContactExportQuery>;

export const ContactExportCsv = z.string().meta({
  id: 'ContactExportCsv',
  description:
    'RFC 4180 CSV, UTF-8 with BOM, CRLF line ends; a header row, then one row per contact in creation order. ' +
    'Text cells that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab, CR, LF) start with `\'`: ' +
    'a phone `+34 612 345 678` is written `\'+34 612 345 678`, and the contacts import removes that `\'` again. ' +
    'Numbers, booleans (`true`/`false`) and dates are written as typed values; lists are joined with `|`.',
});
