#!/usr/bin/env node
// `npm run build:server` (run by `npm install`): the server bundled by esbuild into dist/server, so
// `npm start` runs JavaScript (no TypeScript compiler at start) from a handful of files instead of
// a few hundred: Node resolving, reading and compiling each of our modules was most of start-up.
// Packages in node_modules stay external (loaded by Node as installed). Type errors are `npm run
// typecheck`'s job: esbuild strips types without checking them, as tsc's emit-anyway build did.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist', 'server');
// Built next to the final folder and swapped in at the end: a server starting meanwhile never
// reads half a build.
const building = `${out}.building-${process.pid}`;
rmSync(building, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { main: 'scripts/server-entry.mjs' },
  outdir: building,
  bundle: true,
  // Code split at our own dynamic imports: the workers, the CLI and the template builder stay out
  // of a server's start, as in the sources (a single file would hoist their packages' imports).
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20.6',
  packages: 'external',
  // Stack traces point at src/…ts (server-entry.mjs maps our own frames; see source-mapped-stacks.mjs).
  sourcemap: 'linked',
  sourcesContent: false,
  // Names kept: logs and errors print class and function names (err.name, constructor names).
  keepNames: true,
  logLevel: 'warning',
});

rmSync(out, { recursive: true, force: true });
renameSync(building, out);
