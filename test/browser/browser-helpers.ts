import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestWorkspace } from '../harness.ts';

/** Where browser tests leave their screenshots (for people to look at; nothing compares them). */
export const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'vixiees-screenshots');

const ROOT = join(import.meta.dirname, '..', '..');

/** The built app the server serves; built once if this checkout has none yet (npm install builds it). */
export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'dist', 'web', 'index.html'))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: ROOT, stdio: 'ignore' });
}

/** Debian's Chromium, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The harness's app listening on a loopback port, so a browser can reach it. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * What every browser test starts from: the web app built, the test app listening on a loopback
 * port and Debian's Chromium. Close it with closeBrowserWorld in afterAll.
 */
export async function startBrowserWorld(): Promise<{ t: TestApp; base: string; browser: Browser }> {
  ensureWebBuild();
  const t = await startTestApp();
  try {
    const base = await listen(t);
    return { t, base, browser: await launchChromium() };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Closes what startBrowserWorld started (either may be missing when beforeAll failed early). */
export async function closeBrowserWorld(browser: Browser | undefined, t: TestApp | undefined): Promise<void> {
  await browser?.close();
  await t?.close();
}

export type Person = { email: string; password: string; userId: string };

/** A user of the workspace with a password, through the invite the admins send (real API). */
export async function userWithPassword(ws: TestWorkspace, email: string, name: string): Promise<Person> {
  const user = await ws.req('POST', '/v1/users', { email, name, role: 'admin' });
  if (user.status !== 201) throw new Error(`create user: ${user.status} ${user.text}`);
  const invite = await ws.req('POST', `/v1/users/${user.body.id}/invite`);
  if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${invite.text}`);
  const token = new URL(invite.body.inviteUrl as string).hash.replace('#token=', '');
  const password = 'caballo bateria grapa correcta';
  const accepted = await ws.req('POST', '/v1/auth/accept-invite', { token, password });
  if (accepted.status !== 200) throw new Error(`accept invite: ${accepted.status} ${accepted.text}`);
  return { email, password, userId: user.body.id as string };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * axe-core run in the page (evaluated through the debugging protocol, so the app's CSP, which
 * allows no inline script, stays on). Returns the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * The serious findings outside the shell's header and nav: a screen's test judges its screen;
 * the shell (search button, bell, menu) has its own tests.
 */
export async function seriousViolationsOutsideShell(page: Page): Promise<string[]> {
  const mine: string[] = [];
  for (const v of await seriousViolations(page)) {
    const selector = v.split(' @ ')[1]?.split(', ')[0] ?? '';
    const inShell = selector ? await page.locator(selector).first().evaluate((e) => !!e.closest('header, nav')).catch(() => false) : false;
    if (!inShell) mine.push(v);
  }
  return mine;
}

/** A fresh Spanish browser context signed in as `who` (10 s per step); close the context when done. */
export async function openSignedIn(browser: Browser, base: string, who: Person, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'es-ES', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await signIn(page, base, who);
  return { context, page };
}

export async function signIn(page: Page, base: string, who: Person): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Contraseña').fill(who.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(`${base}/inbox`);
}
