import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../../app.ts';
import { makeDeps } from '../../deps.ts';
import { openDatabase } from '../db.ts';
import { migrate } from '../migrate.ts';

/**
 * The document `/openapi.json` serves, built without listening on a port: the app over a fresh
 * in-memory embedded database (the routes need a migrated one to be built), then `app.swagger()`.
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-openapi-'));
  const database = await openDatabase({ inMemory: true });
  try {
    await migrate(database);
    const config = { port: 0, host: '127.0.0.1', databaseUrl: undefined, dataDir, logLevel: 'silent' as const, bodyLimitBytes: 1024 * 1024, workers: false };
    const app = await buildApp(await makeDeps(config, database), { logger: false });
    try {
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `tsx src/lib/http/write-openapi.ts <file>`: used by `npm run openapi:write` (CI lints the file).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'dist/openapi.json';
  const document = await servedOpenApiDocument();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${out}`);
}
