#!/usr/bin/env node
// `npm start`: the server compiled to JavaScript by `npm install` (dist/server, `npm run
// build:server`), so no TypeScript compiler runs at start. When a source file is newer than that
// build (an edit since the last install), it runs the sources through tsx instead and says so:
// a start never runs stale code. Same process either way (no child), so signals reach the server.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'server', 'main.js');

function buildTime() {
  try {
    return statSync(built).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first .ts source (tests aside) changed after the build, if any: a few hundred stat calls. */
function newerSource(since) {
  const src = join(root, 'src');
  for (const file of readdirSync(src, { recursive: true })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    if (statSync(join(src, file)).mtimeMs > since) return file;
  }
  return undefined;
}

const since = buildTime();
const stale = since === undefined ? 'no build in dist/server' : newerSource(since);
if (stale === undefined) {
  await import(pathToFileURL(built).href);
} else {
  console.error(`npm start: running the TypeScript sources with tsx (${since === undefined ? stale : `src/${stale} is newer than the build`}; \`npm run build:server\` makes the fast start)`);
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'main.ts')).href);
}
