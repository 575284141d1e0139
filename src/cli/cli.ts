import { loadConfig } from '../config.ts';
import { makeDeps, openAndMigrate } from '../deps.ts';
import { acquireLock, type LockInfo } from '../lib/data-dir-lock.ts';
import { executeCommand, type CommandResult } from './commands.ts';
import { readPasswordStdin } from './user-commands.ts';

/** How long a command waits for a server that holds the folder but is still starting. */
const SERVER_START_WAIT_MS = 120_000;

/**
 * Runs a CLI command. On PostgreSQL it connects directly. On the embedded database only one
 * process may open the folder: if a server holds it, the command runs inside that server
 * (through its loopback bridge); if another CLI holds it, we refuse rather than corrupt or hang.
 */
export async function runCli(cliArgv: string[]): Promise<number> {
  // Read here, by the process that has the terminal: the command may run inside the server.
  const argv = await readPasswordStdin(cliArgv);
  const config = loadConfig();
  const result = config.databaseUrl ? await runLocally(argv, config) : await runOnEmbedded(argv, config);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

async function runOnEmbedded(argv: string[], config: ReturnType<typeof loadConfig>): Promise<CommandResult> {
  const deadline = Date.now() + SERVER_START_WAIT_MS;
  let told = false;
  for (;;) {
    const lock = acquireLock(config.dataDir, { role: 'cli' });
    if (lock.ok) {
      try {
        return await runLocally(argv, config);
      } finally {
        lock.release();
      }
    }
    // A server writes its address once it listens (opening and migrating can take a while, e.g.
    // right after `npm start`): wait for it rather than call the folder busy.
    const { holder } = lock;
    if (holder.role !== 'server' || holder.port || Date.now() > deadline) return runThroughServer(argv, holder, config.dataDir);
    if (!told) process.stderr.write(`Waiting for the server (pid ${holder.pid}) to finish starting…\n`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
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
  if (holder.role === 'server' && !holder.port) {
    return { exitCode: 3, stdout: '', stderr: `The server (pid ${holder.pid}) holds the embedded database in ${dataDir} but has not finished starting. Try again when it says it is ready.\n` };
  }
  if (holder.role !== 'server' || !holder.port || !holder.token) {
    return {
      exitCode: 3,
      stdout: '',
      stderr: `The embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.role}) and cannot be shared. Wait for it to finish and try again.\n`,
    };
  }
  try {
    const res = await fetch(bridgeUrl(holder.host, holder.port), {
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

/**
 * The server's bridge from this machine. A wildcard listen address (HOST=0.0.0.0 or ::) means
 * every interface, so we use loopback, which the bridge requires; IPv6 literals need brackets.
 */
export function bridgeUrl(host: string | undefined, port: number): string {
  const h = !host || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}/internal/cli`;
}
