import { Readable } from 'node:stream';
import type { Db } from '../lib/db.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import * as repo from './imports.repo.ts';

const PAGE = 1000;
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\0']);

/** R21: a cell a spreadsheet would run as a formula gets a leading `'` (our importer takes it off). */
export const escapeFormula = (cell: string) => (cell.length && TRIGGERS.has(cell[0]!) ? `'${cell}` : cell);

/** RFC 4180: quote a field holding the delimiter, a quote or a line break; double the quotes. */
function field(value: string, delimiter: string): string {
  const v = escapeFormula(value);
  return v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const line = (cells: string[], delimiter: string) => `${cells.map((c) => field(c, delimiter)).join(delimiter)}\r\n`;

/**
 * The failed rows of an import as a CSV to fix and import again: the file's own columns (as read),
 * then `row`, `line`, `column`, `code`, `message`. UTF-8 with BOM and CRLF, the file's delimiter.
 * Streamed a page at a time from `import_rows` (each page in the workspace's scope: the stream is
 * read after the request handler has returned).
 */
export function errorsCsv(db: Db, workspaceId: string, imp: repo.ImportRow): Readable {
  const delimiter = imp.delimiter;
  const headers = imp.headers;
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${line([...headers, 'row', 'line', 'column', 'code', 'message'], delimiter)}`;
    let after = 0;
    for (;;) {
      const rows = await inWorkspace(workspaceId, () => repo.failedRows(db, workspaceId, imp.id, after, PAGE));
      if (!rows.length) return;
      let chunk = '';
      for (const r of rows) {
        const cells = headers.map((_h, i) => r.cells?.[i] ?? '');
        chunk += line([...cells, String(r.row_number), String(r.line), r.column_name ?? '', r.code ?? r.status, r.message ?? ''], delimiter);
        after = r.row_number;
      }
      yield chunk;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
