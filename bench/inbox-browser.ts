/**
 * Time to show the inbox over a large workspace, in a real browser: a PostgreSQL database loaded
 * by the bench loader (5% of contacts pending attention), an owner with a password, the real
 * server as its own process (`npm start`, workers off), and Debian's Chromium signing in through
 * the form and then opening /inbox again and again:
 *
 *  - cold: a fresh browser context (empty HTTP cache, the signed-in cookie only) → /inbox
 *  - warm: the same context → /inbox again (scripts from the cache, a new page and query)
 *
 * Measured in the page (performance.now(), whose origin is the navigation's start): the first
 * queue row and the whole first page in the DOM, each taken after the next paint (a
 * requestAnimationFrame, then a task); and the `GET /v1/attention-queue` resource timing entry.
 *
 *   npx tsx bench/inbox-browser.ts --size 100000                  # load a scratch database, measure, drop it
 *   npx tsx bench/inbox-browser.ts --size 1000000 --loads 20
 *   npx tsx bench/inbox-browser.ts --size 100000 --keep           # … keep it, write bench/results/inbox-world.json
 *   npx tsx bench/inbox-browser.ts --reuse bench/results/inbox-world.json
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from '../test/browser/browser-helpers.ts';
import { loadWorld } from './load.ts';
import { stats, type Stats } from './measure.ts';
import { startServer } from './outside/server.ts';

const { loadConfig } = await import('../src/config.ts');
const { makeDeps } = await import('../src/deps.ts');
const { openDatabase } = await import('../src/lib/db.ts');
const { migrate } = await import('../src/lib/migrate.ts');
const { createScratchDatabase } = await import('../src/lib/scratch-database.ts');
const { inWorkspace } = await import('../src/lib/tenant-scope.ts');

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    loads: { type: 'string', default: '20' },
    server: { type: 'string', default: process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    start: { type: 'string', default: 'npm start' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const loads = Number(opts.loads);
const log = (s: string) => console.log(s);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const PAGE_SIZE = 50; // what the inbox asks for (useAttentionQueue)

type Setup = { url: string; workspaceId: string; size: number; email: string; password: string; loadSeconds?: number };

/** A scratch `vixiees_bench_*` database with the loaded world and an owner who signs in with a password. */
async function prepare(): Promise<Setup & { drop?: () => Promise<void> }> {
  if (opts.reuse) return JSON.parse(readFileSync(opts.reuse, 'utf8')) as Setup;
  const size = Number(opts.size);
  const { url, drop } = await createScratchDatabase(opts.server!, 'vixiees_bench_inbox');
  try {
    const database = await openDatabase({ databaseUrl: url });
    await migrate(database);
    const deps = await makeDeps({ ...loadConfig({}), databaseUrl: url, logLevel: 'silent', workers: false }, database);
    const t0 = performance.now();
    const world = await loadWorld(deps, size, log);
    const loadSeconds = (performance.now() - t0) / 1000;
    // What `vixiees user create --owner --workspace … --password-stdin` does, in this process.
    const email = 'inbox.owner@bench.example';
    const password = 'caballo bateria grapa correcta';
    const actor = { workspaceId: world.workspaceId, role: 'owner' as const, userId: null, type: 'cli' as const, principalId: world.workspaceId };
    await inWorkspace(world.workspaceId, async () => {
      const user = await deps.services.workspaces.createUser(actor, { email, name: 'Ana Bench', role: 'owner' });
      await deps.services.sessions.setPassword(actor, user.id, password);
    });
    await database.raw('ANALYZE', []);
    await database.close();
    const setup: Setup = { url, workspaceId: world.workspaceId, size, email, password, loadSeconds };
    if (opts.keep) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/inbox-world.json', JSON.stringify(setup));
      log(`kept ${url}; reuse with --reuse bench/results/inbox-world.json (drop it with DROP DATABASE when done)`);
      return setup;
    }
    return { ...setup, drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

/**
 * Installed before the app's scripts: marks the first row and the full first page after their
 * next paint. A string, not a function: tsx would wrap the inner functions in a `__name` helper
 * the page does not have.
 */
const marker = (expected: number) => `
  window.__inbox = {};
  function afterPaint(key) {
    if (key in window.__inbox) return;
    window.__inbox[key] = -1;
    requestAnimationFrame(function () {
      var ch = new MessageChannel();
      ch.port1.onmessage = function () { window.__inbox[key] = performance.now(); };
      ch.port2.postMessage(null);
    });
  }
  new MutationObserver(function () {
    var rows = document.querySelectorAll('[data-testid="queue"] > li').length;
    if (rows > 0) afterPaint('firstRow');
    if (rows >= ${expected}) afterPaint('fullPage');
  }).observe(document, { childList: true, subtree: true });
`;

type Load = { firstRow: number; fullPage: number; apiStart: number; api: number; apiWait: number; jsEncoded: number; jsDecoded: number; jsUrls: string[] };

async function measure(page: Page, base: string): Promise<Load> {
  await page.goto(`${base}/inbox`);
  await page.waitForFunction(() => ((window as unknown as { __inbox: Record<string, number> }).__inbox.fullPage ?? -1) > 0, null, { timeout: 30_000 });
  return page.evaluate(() => {
    const marks = (window as unknown as { __inbox: Record<string, number> }).__inbox;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const queue = resources.filter((r) => r.name.includes('/v1/attention-queue')).at(-1);
    const js = resources.filter((r) => new URL(r.name).pathname.endsWith('.js'));
    return {
      firstRow: marks.firstRow!, fullPage: marks.fullPage!,
      apiStart: queue ? queue.startTime : NaN, api: queue ? queue.responseEnd - queue.startTime : NaN,
      apiWait: queue ? queue.responseStart - queue.requestStart : NaN,
      jsEncoded: js.reduce((s, r) => s + r.encodedBodySize, 0), jsDecoded: js.reduce((s, r) => s + r.decodedBodySize, 0), jsUrls: js.map((r) => r.name),
    };
  });
}

async function run(browser: Browser, base: string, setup: Setup, expected: number) {
  // Sign in once through the form; each cold context starts from that cookie and an empty cache.
  const first = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'es-ES' });
  const signInPage = await first.newPage();
  await signIn(signInPage, base, { email: setup.email, password: setup.password, userId: '' });
  const storageState = await first.storageState();
  await first.close();
  const cold: Load[] = [];
  const warm: Load[] = [];
  let failures = 0;
  let gzipped: number | undefined;
  for (let i = 0; i < loads + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'es-ES', storageState });
    await context.addInitScript({ content: marker(expected) });
    const page = await context.newPage();
    let c: Load, w: Load;
    try {
      c = await measure(page, base);
      w = await measure(page, base);
    } catch (err) {
      // The checkout is shared: another session's `npm run build:web` replaces dist/web under the
      // server (the page then loads no app for a minute). The load is run again, not counted.
      if (++failures > 10) throw err;
      log(`  load ${i} failed (${(err as Error).message.split('\n')[0]}); again in 15 s`);
      await new Promise((r) => setTimeout(r, 15_000));
      i--;
      continue;
    } finally {
      await context.close().catch(() => undefined);
    }
    if (i === 0) continue; // the server's and the database's first touch, not counted
    if (cold.length === 0) gzipped = await gzippedSize(c.jsUrls);
    cold.push(c);
    warm.push(w);
    log(`  load ${i}: cold first row ${c.firstRow.toFixed(0)} ms, page ${c.fullPage.toFixed(0)} ms, API ${c.api.toFixed(1)} ms; warm ${w.firstRow.toFixed(0)} / ${w.fullPage.toFixed(0)} / ${w.api.toFixed(1)} ms`);
  }
  return { cold, warm, failures, gzipped };
}

/**
 * ui.md's JS budget is gzipped; the server sends the files as they are, so this is what the same
 * files weigh compressed. Fetched right after the load, and only if each is still that script (another
 * session's build replaces dist/web, and the app's fallback then answers with index.html).
 */
async function gzippedSize(urls: string[]): Promise<number | undefined> {
  let total = 0;
  for (const u of urls) {
    const r = await fetch(u);
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('javascript')) return undefined;
    total += gzipSync(Buffer.from(await r.arrayBuffer())).length;
  }
  return total;
}

async function main() {
  log(`Vixiees inbox in a browser: ${cpus().length} cores, node ${process.version}, load ${load()}`);
  const setup = await prepare();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let browser: Browser | undefined;
  try {
    const database = await openDatabase({ databaseUrl: setup.url });
    const { rows: [count] } = await database.raw(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND attention_since IS NOT NULL AND deleted_at IS NULL`, [setup.workspaceId]);
    await database.close();
    const pending = Number(count!.n);
    const expected = Math.min(PAGE_SIZE, pending);
    log(`workspace ${setup.workspaceId}: ${setup.size} contacts, ${pending} pending attention; first page ${expected} rows`);
    server = await startServer(opts.start!, { DATABASE_URL: setup.url, WORKERS: 'off', RATE_LIMIT_PER_MINUTE: '100000000' });
    log(`server up in ${server.startSeconds.toFixed(2)} s (${opts.start})`);
    browser = await launchChromium();
    const { cold, warm, failures, gzipped } = await run(browser, server.base, setup, expected);
    const row = (name: string, xs: Load[]) => {
      const s = (k: Exclude<keyof Load, 'jsUrls'>): Stats => stats(xs.map((x) => x[k]));
      const f = (st: Stats) => `${st.p50.toFixed(0)} / ${st.p95.toFixed(0)}`;
      return `| ${name} | ${xs.length} | ${f(s('firstRow'))} | ${f(s('fullPage'))} | ${f(s('apiStart'))} | ${s('api').p50.toFixed(1)} / ${s('api').p95.toFixed(1)} | ${s('apiWait').p50.toFixed(1)} / ${s('apiWait').p95.toFixed(1)} |`;
    };
    const js = cold[0]!;
    const out = [
      '| load | n | navigation → first row p50 / p95 ms | → whole first page p50 / p95 ms | → queue request sent p50 / p95 ms | `GET /v1/attention-queue` p50 / p95 ms | of it, request → first byte p50 / p95 ms |',
      '|---|---|---|---|---|---|---|',
      row('cold (new context, empty cache)', cold),
      row('warm (same context, cached scripts)', warm),
    ].join('\n');
    const jsLine = `first-load JS: ${js.jsUrls.length} files, ${(js.jsEncoded / 1024).toFixed(1)} KiB transferred (${(js.jsDecoded / 1024).toFixed(1)} KiB decoded, ${gzipped === undefined ? 'gzipped size unknown: the build changed under the run' : `${(gzipped / 1024).toFixed(1)} KiB gzipped`})`;
    console.log(`\n${setup.size} contacts, ${pending} pending; ${failures} failed loads run again; ${out.includes('NaN') ? 'some loads had no resource entry; ' : ''}load average at the end ${load()}\n\n${out}\n\n${jsLine}\n`);
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}-inbox-browser.json`;
    writeFileSync(file, JSON.stringify({ command: `npx tsx bench/inbox-browser.ts ${process.argv.slice(2).join(' ')}`, cores: cpus().length, node: process.version, loadavg: loadavg(), date: new Date().toISOString(), size: setup.size, pending, loadSeconds: setup.loadSeconds, cold, warm, table: out, js: jsLine }, null, 2));
    console.log(`written ${file}`);
  } finally {
    await browser?.close();
    await server?.stop();
    await setup.drop?.();
  }
}

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
}
