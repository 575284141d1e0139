import type { Logger } from 'pino';
import { rotateInstanceSecrets, seedFromTemplate } from './data-dir-template.ts';
import { openDatabase, type Database } from './db.ts';
import { migrate } from './migrate.ts';

/**
 * Opens the configured database and applies pending migrations. Its own module, apart from
 * deps.ts, so the server can open the database while the application's modules still load.
 * It takes the two settings it reads (lib imports no application module, config.ts included).
 */
export async function openAndMigrate(
  config: { databaseUrl: string | undefined; dataDir: string },
  logger?: Logger,
  /** Marks the start-up phases (the server's debug trace). */
  phase: (name: string) => void = () => undefined,
): Promise<Database> {
  const seeded = !config.databaseUrl && seedFromTemplate(config.dataDir);
  if (seeded) phase('data folder seeded from the template');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  phase('database open');
  if (seeded) await rotateInstanceSecrets(database);
  const applied = await migrate(database);
  if (applied.length) logger?.info({ applied }, 'migrations applied');
  phase('migrations checked');
  return database;
}
