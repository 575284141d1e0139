import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { uuidv7 } from '../lib/ids.ts';

/**
 * Uploaded CSV files, in `<dataDir>/imports/<workspaceId>/<uploadId>`. The upload streams to disk
 * (never whole in memory), hashed and its records counted on the way, so an import can show an
 * ETA before the file is read again.
 */
export type ImportFiles = ReturnType<typeof importFiles>;

const KEY_RE = /^[0-9a-f-]{36}\/[0-9a-f-]{36}$/;

export type SavedUpload = { key: string; sizeBytes: number; sha256: string; estimatedRows: number };

/**
 * Counts records by line ends outside double quotes. Right for every ASCII-compatible encoding
 * (UTF-8, Windows-1252); only an estimate for the rest, which is all an ETA needs.
 */
function recordCounter() {
  let inQuotes = false;
  let lines = 0;
  let pendingText = false;
  return {
    feed(chunk: Buffer) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b === 0x22) inQuotes = !inQuotes;
        else if (b === 0x0a && !inQuotes) {
          lines++;
          pendingText = false;
          continue;
        }
        if (b !== 0x0d && b !== 0x0a) pendingText = true;
      }
    },
    /** Data rows: records less the header line. */
    rows: () => Math.max(0, lines + (pendingText ? 1 : 0) - 1),
  };
}

export function importFiles(root: string) {
  const base = resolve(root);
  const pathOf = (key: string): string => {
    if (!KEY_RE.test(key)) throw new Error(`invalid import file key ${key}`);
    const path = resolve(base, ...key.split('/'));
    if (!path.startsWith(base + sep)) throw new Error(`invalid import file key ${key}`);
    return path;
  };
  return {
    /** Streams `source` to a new file of the workspace; on any error nothing is left behind. */
    async save(workspaceId: string, source: Readable): Promise<SavedUpload> {
      const key = `${workspaceId}/${uuidv7()}`;
      const path = pathOf(key);
      await mkdir(resolve(path, '..'), { recursive: true });
      const temp = join(resolve(path, '..'), `.upload-${randomBytes(8).toString('hex')}`);
      const hash = createHash('sha256');
      const counter = recordCounter();
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          counter.feed(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      try {
        await pipeline(source, tap, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { key, sizeBytes: size, sha256: hash.digest('hex'), estimatedRows: counter.rows() };
    },
    /** A re-openable source of the file's bytes, as the CSV reader takes it. */
    source(key: string): () => NodeJS.ReadableStream {
      const path = pathOf(key);
      return () => createReadStream(path, { highWaterMark: 256 * 1024 });
    },
    async remove(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
  };
}
