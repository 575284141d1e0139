/**
 * B7: `npm start` to the first 200 from /readyz on the embedded database, beside a bare `node`
 * start of the same compiled modules and the old TypeScript-at-start command, alternating, each on
 * the same data dir (the first start of each dir is not measured: it creates the database).
 *
 *   npx tsx bench/startup-outside.ts [--runs 5] [--data-dir <a loaded embedded database>]
 *   npx tsx bench/startup-outside.ts --command "npm start --prefix <before checkout>" --command "…"   # paired builds
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stats } from './measure.ts';
import { startServer } from './outside/server.ts';

const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'data-dir': { type: 'string' }, command: { type: 'string', multiple: true } } });
const commands = opts.command?.length ? opts.command : ['npm start', 'node dist/server/main.js serve', 'node --import tsx src/main.ts serve'];
const dataDir = opts['data-dir'] ?? mkdtempSync(join(tmpdir(), 'vixiees-b7-'));
const env = { VIXIEES_DATA_DIR: dataDir, LOG_LEVEL: 'error' };
console.log(`B7 start-up, embedded database in ${dataDir}, ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
/**
 * Stops a server and waits until its data folder is released: stop() waits for npm, and the node
 * under it may still be closing the database, so the next start would find the folder locked.
 */
async function stopAndRelease(s: { stop(): Promise<void> }): Promise<void> {
  await s.stop();
  for (let i = 0; i < 300 && existsSync(join(dataDir, 'vixiees.lock.d')); i++) await new Promise((r) => setTimeout(r, 50));
}

await stopAndRelease(await startServer(commands[1]!, env));
const seconds: number[][] = commands.map(() => []);
for (let i = 0; i < Number(opts.runs); i++) {
  for (const [k, command] of commands.entries()) {
    const s = await startServer(command, env);
    seconds[k]!.push(s.startSeconds);
    await stopAndRelease(s);
    await new Promise((r) => setTimeout(r, 300));
  }
}
for (const [k, command] of commands.entries()) {
  const s = stats(seconds[k]!.map((x) => x * 1000));
  console.log(`| B7 | \`${command}\` → first /readyz | median ${(s.p50 / 1000).toFixed(2)} s (min ${(Math.min(...seconds[k]!)).toFixed(2)}, max ${Math.max(...seconds[k]!).toFixed(2)}) | ${k === 0 ? '≤ 1.5 s quiet' : 'reference'} |`);
}
console.log(`load at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
if (!opts['data-dir']) rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
