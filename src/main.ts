import { serve } from './server.ts';

/** One program, three entry points: `serve` (API + workers), `worker` (workers only), or a CLI command. */
const [command, ...args] = process.argv.slice(2);

if (command === 'serve' || command === undefined) {
  await serve({ workers: true, http: true });
} else if (command === 'build-template') {
  // Run by `npm install`: prepares the embedded database template so a first start is fast.
  const { buildTemplate } = await import('./lib/data-dir-template.ts');
  console.log(`embedded database template: ${await buildTemplate()}`);
} else if (command === 'worker') {
  await serve({ workers: true, http: false });
} else {
  // The CLI's modules load only for a CLI command, not for a server start.
  const { runCli } = await import('./cli/cli.ts');
  process.exitCode = await runCli([command, ...args]);
}
