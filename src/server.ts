import { randomBytes } from 'node:crypto';
import { loadConfig } from './config.ts';
import { acquireLock, EXIT_LOCK_LOST } from './lib/data-dir-lock.ts';
import { MigrationChecksumError } from './lib/migrate.ts';
import { makeLogger } from './lib/logger.ts';
import { openAndMigrate } from './lib/open-and-migrate.ts';

/**
 * The application's modules (routes, services, their libraries): loaded while the database opens,
 * since neither needs the other. The workers' modules load only after the server listens.
 */
const loadApplication = () =>
  Promise.all([import('./app.ts'), import('./deps.ts'), import('./cli/cli-bridge.ts')]).then(([app, deps, bridge]) => ({
    buildApp: app.buildApp,
    makeDeps: deps.makeDeps,
    registerCliBridge: bridge.registerCliBridge,
  }));

/** Starts the API and/or the workers on the configured database until SIGINT/SIGTERM. */
export async function serve(opts: { workers: boolean; http: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.logLevel);
  // Where a start's time goes (LOG_LEVEL=debug): milliseconds since the process started.
  const phase = (name: string) => logger.debug({ phase: name, ms: Math.round(performance.now()) }, 'start-up');
  phase('configured');
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
    phase('data folder locked');
  }
  const application = loadApplication();
  // A failed start reports the database's error; the modules' own failure is awaited below.
  application.then(() => phase('modules loaded'), () => undefined);
  const database = await openAndMigrate(config, logger, phase).catch((err: unknown) => {
    // An edited migration is an operator's problem to fix, not a crash: say what and where, plainly.
    if (!(err instanceof MigrationChecksumError)) throw err;
    logger.fatal({ file: err.file }, err.message);
    if (lock?.ok) lock.release();
    process.exit(1);
  });
  const { buildApp, makeDeps, registerCliBridge } = await application;
  const deps = await makeDeps(config, database);
  phase('services made');
  const token = randomBytes(32).toString('base64url');
  const app = opts.http ? await buildApp(deps, { logger, beforeReady: (a) => registerCliBridge(a, deps, token) }) : undefined;
  phase('routes built');
  if (app) {
    const address = await app.listen({ port: config.port, host: config.host });
    phase('listening');
    if (lock?.ok) lock.update({ host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, port: (app.server.address() as { port: number }).port, token });
    logger.info({ address, database: database.kind }, 'Vixiees is ready');
  }
  // The workers start once the API answers: nothing a first request needs waits for pg-boss. A
  // signal while they start waits for them, so they stop cleanly before the database closes.
  const workers =
    opts.workers && config.workers
      ? import('./workers.ts').then(({ startWorkers }) => startWorkers(deps, logger))
      : Promise.resolve(undefined);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app?.close();
    await (await workers.catch(() => undefined))?.stop();
    await database.close();
    if (lock?.ok) lock.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await workers;
}
