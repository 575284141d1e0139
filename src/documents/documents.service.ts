import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { requireContact } from '../contacts/require-contact.ts';
import type { Actor } from '../lib/actor.ts';
import { authorOf, presentAuthor } from '../lib/authorship.ts';
import { contactElement, type ElementDeps } from '../lib/contact-element/contact-element.ts';
import { AppError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { ALLOWED_TYPES, checkContent, cleanFileName } from './content-check.ts';
import type { DocumentStorage } from './document-storage.ts';
import { documentsRepo } from './documents.repo.ts';
import type { Document, DocumentUpdate } from './documents.schema.ts';
import type { DocumentRow } from './documents.tables.ts';

export type DocumentsDeps = ElementDeps & { storage: DocumentStorage; maxBytes: number };

/** A file as received: client-declared name and type, and the bytes (already within the size limit). */
export type IncomingFile = { fileName: string | undefined; declaredType: string; content: Buffer };

export function presentDocument(row: DocumentRow): Document {
  return {
    id: row.id,
    contactId: row.contactId,
    name: row.name,
    contentType: row.contentType,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    contentUrl: `/v1/documents/${row.id}/content`,
    author: presentAuthor(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: Number(row.version),
  };
}

export const documentTooLarge = (maxBytes: number): AppError =>
  new AppError('payload_too_large', `The file is larger than the ${maxBytes}-byte limit`, {
    extra: { maxBytes },
    errors: [{ pointer: '/file', code: 'too_large', message: `must be at most ${maxBytes} bytes` }],
  });

function checkFile(file: IncomingFile, maxBytes: number): string {
  if (file.content.length > maxBytes) throw documentTooLarge(maxBytes);
  const verdict = checkContent(file.declaredType, file.content);
  if (verdict.ok) return verdict.contentType;
  if (verdict.reason === 'type_not_allowed') {
    throw new AppError('document_type_not_allowed', `Files of type ${verdict.contentType || '(none)'} cannot be attached; allowed: ${Object.keys(ALLOWED_TYPES).join(', ')}`, {
      status: 415,
      extra: { allowedTypes: Object.keys(ALLOWED_TYPES) },
      errors: [{ pointer: '/file', code: 'type_not_allowed', message: `${verdict.contentType || '(none)'} is not an allowed type` }],
    });
  }
  throw new AppError('document_content_mismatch', `The file's content is not ${verdict.contentType}`, {
    errors: [{ pointer: '/file', code: 'content_mismatch', message: `the bytes do not match the declared type ${verdict.contentType}` }],
  });
}

export function makeDocumentsService(deps: DocumentsDeps) {
  const { db, clock, storage, maxBytes } = deps;
  const element = contactElement(deps, { name: 'Document', listKey: 'documents', repo: documentsRepo, present: presentDocument, requireContact });

  return {
    maxBytes,

    /** Fails fast (404) before a client streams a file to a contact that cannot take it. */
    async assertUploadTarget(actor: Actor, contactId: string): Promise<void> {
      await requireContact(db, actor.workspaceId, contactId, 'write');
    },

    /**
     * Attaches a file to a live contact after checking size, type allow-list and magic bytes.
     * The bytes are stored inside the row's transaction; if the transaction fails they are
     * removed, so a failed upload leaves neither a row nor a file.
     */
    async upload(actor: Actor, contactId: string, file: IncomingFile): Promise<Document> {
      const now = clock.now();
      const contentType = checkFile(file, maxBytes);
      const id = uuidv7(now.getTime());
      const storageKey = `${actor.workspaceId}/${id}`;
      let stored = false;
      try {
        return await db.transaction(async (tx) => {
          await requireContact(tx, actor.workspaceId, contactId, 'write');
          const row = await documentsRepo.insert(tx, {
            workspaceId: actor.workspaceId,
            id,
            contactId,
            name: cleanFileName(file.fileName),
            contentType,
            sizeBytes: file.content.length,
            sha256: createHash('sha256').update(file.content).digest('hex'),
            storageKey,
            ...authorOf(actor),
            createdAt: now,
            updatedAt: now,
          });
          await storage.put(storageKey, file.content);
          stored = true;
          return presentDocument(row);
        });
      } catch (err) {
        if (stored) await storage.remove(storageKey).catch(() => undefined);
        throw err;
      }
    },

    /** A document's metadata (also of a contact in the trash). */
    get: element.get,

    /** The metadata and a stream of the bytes, for download. */
    async open(actor: Actor, id: string): Promise<{ document: Document; content: Readable }> {
      const row = await element.getRow(db, actor, id);
      const content = await storage.open(row.storageKey);
      if (!content) throw new AppError('document_content_missing', `The content of document ${id} is missing from storage`, { status: 500 });
      return { document: presentDocument(row), content };
    },

    /** A contact's documents, newest first (keyset). */
    list: element.list,

    /** Renames a document; the content never changes (upload a new one instead). */
    async update(actor: Actor, id: string, patch: DocumentUpdate, opts: { ifMatch?: number } = {}): Promise<Document> {
      return element.update(actor, id, opts.ifMatch, () => (patch.name !== undefined ? { name: cleanFileName(patch.name) } : {}));
    },

    /**
     * Removes stored files that no document row points at and that are older than `graceMs`:
     * left by a crash between writing a file and committing its row, or between deleting a row
     * and its file. The grace keeps an upload that is still committing.
     */
    async sweepOrphanFiles(graceMs = 60 * 60 * 1000): Promise<number> {
      const cutoff = clock.now().getTime() - graceMs;
      let removed = 0;
      for await (const { key, modifiedAt } of storage.list()) {
        if (modifiedAt.getTime() > cutoff) continue;
        const [workspaceId, id] = key.split('/') as [string, string];
        // Each file is checked in its own workspace's scope: row-level security would hide the row otherwise.
        if (await inWorkspace(workspaceId, () => documentsRepo.find(db, workspaceId, id))) continue;
        await storage.remove(key);
        removed++;
      }
      return removed;
    },

    /** Deletes the row, then the bytes: a crash in between leaves an orphan file, never a row without content. */
    async remove(actor: Actor, id: string, opts: { ifMatch?: number } = {}): Promise<void> {
      const row = await element.remove(actor, id, opts);
      await storage.remove(row.storageKey);
    },
  };
}

export type DocumentsService = ReturnType<typeof makeDocumentsService>;
