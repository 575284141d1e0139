import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The inbox's channel chips in Debian's Chromium against the real server and database: three
 * contacts waiting on three channels, each chip shows only its own, the choice (with "mine")
 * lives in the URL through a reload and Back, the arrow keys move the choice, and axe finds
 * nothing serious on a phone-sized screen.
 */
const P = { timeout: 10_000 };
const HOUR = 3_600_000;

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let eva: Person;

async function contact(body: object): Promise<string> {
  const r = await a.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}
async function record(path: string, body: object): Promise<void> {
  const r = await a.req('POST', path, body);
  if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Pisos Canales' });
  eva = await userWithPassword(a, 'eva.canales@pisos-canales.example', 'Eva Canales');
  const lucia = await contact({ firstName: 'Lucía', lastName: 'Núñez', phone: '612340001', consents: { transactionalWhatsapp: true } });
  const jorge = await contact({ firstName: 'Jorge', lastName: 'Gómez', email: 'jorge@canales.example', ownerId: eva.userId });
  const marta = await contact({ firstName: 'Marta', lastName: 'Ibáñez', phone: '612340003' });
  const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
  await record(`/v1/contacts/${lucia}/whatsapp-messages`, { direction: 'inbound', body: '¿Sigue libre el piso?', sentAt: ago(1) });
  await record(`/v1/contacts/${jorge}/emails`, { direction: 'inbound', subject: 'Información', sentAt: ago(2) });
  await record(`/v1/contacts/${marta}/calls`, { direction: 'inbound', outcome: 'missed', startedAt: ago(3) });
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const names = async (page: Page) => (await page.getByTestId('queue').locator('.row-link').allTextContents()).map((s) => s.trim());
const chip = (page: Page, name: string) => page.getByRole('radiogroup', { name: 'Filtrar por canal' }).getByRole('radio', { name, exact: true });
/** A click on the chip itself (its label: the radio inside is visually hidden). */
const pick = (page: Page, name: string) => page.getByRole('radiogroup', { name: 'Filtrar por canal' }).getByText(name, { exact: true }).click();
const reasonInUrl = (page: Page) => new URL(page.url()).searchParams.get('reason');

describe('inbox: channel chips', { timeout: 90_000 }, () => {
  it('each chip shows only the contacts waiting on its channel; the choice survives a reload and Back undoes it', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await expect.poll(() => names(page), P).toEqual(['Marta Ibáñez', 'Jorge Gómez', 'Lucía Núñez']);
    expect(await chip(page, 'Todos los canales').isChecked()).toBe(true);

    await pick(page, 'WhatsApp');
    await expect.poll(() => names(page), P).toEqual(['Lucía Núñez']);
    expect(reasonInUrl(page)).toBe('whatsapp');
    await pick(page, 'Email');
    await expect.poll(() => names(page), P).toEqual(['Jorge Gómez']);
    expect(reasonInUrl(page)).toBe('email');
    await pick(page, 'Llamada perdida');
    await expect.poll(() => names(page), P).toEqual(['Marta Ibáñez']);
    expect(reasonInUrl(page)).toBe('call');

    await page.reload();
    await expect.poll(() => names(page), P).toEqual(['Marta Ibáñez']);
    expect(await chip(page, 'Llamada perdida').isChecked()).toBe(true);

    await page.goBack();
    await expect.poll(() => names(page), P).toEqual(['Jorge Gómez']);
    expect(reasonInUrl(page)).toBe('email');
    expect(await chip(page, 'Email').isChecked()).toBe(true);

    await pick(page, 'Todos los canales');
    await expect.poll(() => names(page), P).toHaveLength(3);
    expect(reasonInUrl(page)).toBeNull();
    await context.close();
  });

  it('a link with the channel and "mine" opens filtered by both; an empty result offers to clear the channel; switching scope keeps it', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await page.goto(`${base}/inbox?tab=mine&reason=email`);
    await expect.poll(() => names(page), P).toEqual(['Jorge Gómez']);
    expect(await chip(page, 'Email').isChecked()).toBe(true);

    await pick(page, 'Llamada perdida');
    await expect.poll(() => page.getByRole('heading', { name: 'Nadie espera con estos filtros' }).count(), P).toBe(1);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ tab: 'mine', reason: 'call' });
    await page.getByRole('button', { name: 'Quitar filtros' }).click();
    await expect.poll(() => names(page), P).toEqual(['Jorge Gómez']);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ tab: 'mine' });
    await pick(page, 'Llamada perdida');
    await expect.poll(() => page.getByRole('heading', { name: 'Nadie espera con estos filtros' }).count(), P).toBe(1);

    await page.getByText('Todos', { exact: true }).click();
    await expect.poll(() => names(page), P).toEqual(['Marta Ibáñez']);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ reason: 'call' });

    // An unknown channel in a link is no filter at all.
    await page.goto(`${base}/inbox?reason=fax`);
    await expect.poll(() => names(page), P).toHaveLength(3);
    expect(await chip(page, 'Todos los canales').isChecked()).toBe(true);
    await context.close();
  });

  it('is driven from the keyboard: Tab reaches the chips, the arrow keys move and choose', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await expect.poll(() => names(page), P).toHaveLength(3);
    await chip(page, 'Todos los canales').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => reasonInUrl(page), P).toBe('whatsapp');
    await expect.poll(() => names(page), P).toEqual(['Lucía Núñez']);
    expect(await chip(page, 'WhatsApp').evaluate((e) => e === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => reasonInUrl(page), P).toBe('call');
    await expect.poll(() => names(page), P).toEqual(['Marta Ibáñez']);

    // One Tab stop for the whole group: Shift+Tab from the first queue link lands on the chosen chip.
    await page.getByTestId('queue').locator('.row-link').first().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await chip(page, 'Llamada perdida').evaluate((e) => e === document.activeElement)).toBe(true);
    await context.close();
  });

  it('has no serious or critical axe findings at 390 px, with a channel chosen', async () => {
    const { context, page } = await openSignedIn(browser, base, eva, { viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/inbox?reason=whatsapp`);
    await expect.poll(() => names(page), P).toEqual(['Lucía Núñez']);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/inbox-filters-390.png`, fullPage: true });
    await context.close();
  });
});
