import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where document bytes live. Local disk by default; an object store (S3…) can implement the
 * same three calls. Keys are `<workspaceId>/<documentId>`: ids only, never client file names.
 */
export type DocumentStorage = {
  /** Stores the whole content atomically: readers never see a half-written file. */
  put(key: string, content: Buffer): Promise<void>;
  /** The content as a stream, or undefined when it is gone. */
  open(key: string): Promise<Readable | undefined>;
  /** Removes the content; a missing one is not an error. */
  remove(key: string): Promise<void>;
  /** Every stored key with its last change, for the orphan sweep. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
};

const KEY_RE = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

export function localDiskStorage(root: string): DocumentStorage {
  const base = resolve(root);
  const pathOf = (key: string): string => {
    // Keys are built from UUIDs; refuse anything else so no key can leave the root.
    if (!KEY_RE.test(key)) throw new Error(`invalid storage key ${key}`);
    const path = resolve(base, ...key.split('/'));
    if (!path.startsWith(base + sep)) throw new Error(`invalid storage key ${key}`);
    return path;
  };
  return {
    async put(key, content) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = join(dirname(path), `.upload-${randomBytes(8).toString('hex')}`);
      try {
        await writeFile(temp, content, { flag: 'wx', mode: 0o600 });
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async open(key) {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch {
        return undefined;
      }
      return createReadStream(path);
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async *list() {
      const workspaces = await readdir(base, { withFileTypes: true }).catch(() => []);
      for (const ws of workspaces) {
        if (!ws.isDirectory()) continue;
        for (const file of await readdir(join(base, ws.name)).catch(() => [] as string[])) {
          const key = `${ws.name}/${file}`;
          if (!KEY_RE.test(key)) continue; // an in-flight upload's temp file
          const info = await stat(join(base, ws.name, file)).catch(() => undefined);
          if (info) yield { key, modifiedAt: info.mtime };
        }
      }
    },
  };
}
