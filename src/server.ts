import { randomBytes } from 'node:crypto';
import { buildApp } from './app.ts';
import { registerCliBridge } from './cli/cli-bridge.ts';
import { loadConfig } from './config.ts';
import { makeDeps, openAndMigrate } from './deps.ts';
import { acquireLock, EXIT_LOCK_LOST } from './lib/data-dir-lock.ts';
import { MigrationChecksumError } from './lib/migrate.ts';
import { makeLogger } from './lib/logger.ts';
import { startWorkers } from './workers.ts';

/** Starts the API and/or the workers on the configured database until SIGINT/SIGTERM. */
export async function serve(opts: { workers: boolean; http: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.logLevel);
  let lock: ReturnType<typeof acquireLock> | undefined;
  if (!config.databaseUrl) {
    // Lost while serving (removed or taken): stop at once, without closing (closing writes).
    lock = acquireLock(config.dataDir, { role: 'server' }, {
      onCompromised: (err) => {
        logger.fatal({ err, dataDir: config.dataDir }, 'lost the lock on the embedded database folder: stopping without writing to it');
        process.exit(EXIT_LOCK_LOST);
      },
    });
    if (!lock.ok) {
      logger.fatal(
        `The embedded database in ${config.dataDir} is in use by process ${lock.holder.pid} (${lock.holder.role}). ` +
          'Stop it first, or set VIXIEES_DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
      );
      process.exit(1);
    }
  }
  const database = await openAndMigrate(config, logger).catch((err: unknown) => {
    // An edited migration is an operator's problem to fix, not a crash: say what and where, plainly.
    if (!(err instanceof MigrationChecksumError)) throw err;
    logger.fatal({ file: err.file }, err.message);
    if (lock?.ok) lock.release();
    process.exit(1);
  });
  const deps = await makeDeps(config, database);
  const token = randomBytes(32).toString('base64url');
  // Building the routes is CPU work and starting the workers is database work: overlap them.
  const [workers, app] = await Promise.all([
    opts.workers && config.workers ? startWorkers(deps, logger) : undefined,
    opts.http ? buildApp(deps, { logger, beforeReady: (a) => registerCliBridge(a, deps, token) }) : undefined,
  ]);
  if (app) {
    const address = await app.listen({ port: config.port, host: config.host });
    if (lock?.ok) lock.update({ host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, port: (app.server.address() as { port: number }).port, token });
    logger.info({ address, database: database.kind }, 'Vixiees is ready');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app?.close();
    await workers?.stop();
    await database.close();
    if (lock?.ok) lock.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
