#!/usr/bin/env node
// `npm run build:server` (run by `npm install`): the server bundled by esbuild into dist/server, so
// `npm start` runs JavaScript (no TypeScript compiler at start) from a handful of files instead of
// a few hundred: Node resolving, reading and compiling each module was most of start-up. The
// packages are bundled too, except those in NOT_BUNDLED (loaded by Node as installed). Type errors
// are `npm run typecheck`'s job: esbuild strips types without checking them.
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');

/**
 * Packages Node loads from node_modules rather than from the bundle, each for a reason a bundle
 * would break: they read their own files or start workers by file path (PGlite's WASM and data
 * files, swagger-ui's assets, pino's transport threads), they are native addons (argon2) or
 * optional peers that may be absent (pg-native), or they load only on first use and are large
 * (the mail libraries: a bundle would not make their first use faster). Every other package is in
 * the bundle: Node resolving, reading and translating some 300 package files (CommonJS parsed
 * twice: once for its exports, once to run) took 0.3 s of each start.
 * (@fastify/swagger reads its own package.json only for a default title and version, inside a
 * try: bundled, it falls back to none, and our document sets both.)
 */
const NOT_BUNDLED = [
  '@electric-sql/pglite',
  '@fastify/swagger-ui',
  '@node-rs/argon2',
  'pg-native',
  'pino',
  'thread-stream',
  'imapflow',
  'mailparser',
  'nodemailer',
];
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
  external: NOT_BUNDLED,
  // CommonJS packages in an ESM bundle call require() for Node's built-ins: give them one.
  banner: { js: "import { createRequire as createRequireForBundledPackages } from 'node:module'; const require = createRequireForBundledPackages(import.meta.url);" },
  // Stack traces point at src/…ts (server-entry.mjs maps our own frames; see source-mapped-stacks.mjs).
  sourcemap: 'linked',
  sourcesContent: false,
  // Names kept: logs and errors print class and function names (err.name, constructor names).
  keepNames: true,
  logLevel: 'warning',
});

rmSync(out, { recursive: true, force: true });
renameSync(building, out);
