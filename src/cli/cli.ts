import { loadConfig } from '../config.ts';
import { makeDeps, openAndMigrate } from '../deps.ts';
import { acquireLock, type LockInfo } from '../lib/data-dir-lock.ts';
import { executeCommand, type CommandResult } from './commands.ts';

/**
 * Runs a CLI command. On PostgreSQL it connects directly. On the embedded database only one
 * process may open the folder: if a server holds it, the command runs inside that server
 * (through its loopback bridge); if another CLI holds it, we refuse rather than corrupt or hang.
 */
export async function runCli(argv: string[]): Promise<number> {
  const config = loadConfig();
  let result: CommandResult;
  if (config.databaseUrl) {
    result = await runLocally(argv, config);
  } else {
    const lock = acquireLock(config.dataDir, { role: 'cli' });
    if (lock.ok) {
      try {
        result = await runLocally(argv, config);
      } finally {
        lock.release();
      }
    } else {
      result = await runThroughServer(argv, lock.holder, config.dataDir);
    }
  }
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

async function runLocally(argv: string[], config: ReturnType<typeof loadConfig>): Promise<CommandResult> {
  const database = await openAndMigrate(config);
  try {
    return await executeCommand(await makeDeps(config, database), argv);
  } finally {
    await database.close();
  }
}

async function runThroughServer(argv: string[], holder: LockInfo, dataDir: string): Promise<CommandResult> {
  if (holder.role !== 'server' || !holder.port || !holder.token) {
    return {
      exitCode: 3,
      stdout: '',
      stderr: `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.role}) and cannot be shared. Wait for it to finish and try again.\n`,
    };
  }
  try {
    const res = await fetch(`http://${holder.host ?? '127.0.0.1'}:${holder.port}/internal/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-vixiees-cli-token': holder.token },
      body: JSON.stringify({ argv }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) return { exitCode: 3, stdout: '', stderr: `The running server (pid ${holder.pid}) refused the command: HTTP ${res.status}\n` };
    return (await res.json()) as CommandResult;
  } catch (err) {
    return {
      exitCode: 3,
      stdout: '',
      stderr: `The server (pid ${holder.pid}) holds the embedded database but did not answer on port ${holder.port}: ${(err as Error).message}\n`,
    };
  }
}
