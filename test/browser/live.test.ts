import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, seriousViolations, signIn, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * Live updates and the command palette in Debian's Chromium against the real server: a WhatsApp
 * message recorded through the API reaches the open inbox without a reload (held behind the pill
 * while the user is active, shown by itself once idle), two tabs share one event stream, and
 * Ctrl K finds "Núñez" typed "nunez" and opens it with Enter.
 */
const P = { timeout: 15_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ws: TestWorkspace;
let rosa: Person;
const ids: Record<string, string> = {};

async function contact(body: object): Promise<string> {
  const r = await ws.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}
async function whatsappFrom(id: string, body: string): Promise<void> {
  const r = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', type: 'text', body });
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
}
const queue = () => page.getByTestId('queue');

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  ws = await t.workspace({ name: 'Clínica Levante' });
  rosa = await userWithPassword(ws, 'rosa.live@levante.example', 'Rosa Vidal');
  ids.pedro = await contact({ firstName: 'Pedro', lastName: 'Alba', phone: '+34611200001' });
  ids.lucia = await contact({ firstName: 'Lucía', lastName: 'Núñez Pérez', phone: '+34611200002', email: 'lucia@levante.example' });
  ids.tomas = await contact({ firstName: 'Tomás', lastName: 'Quesada', phone: '+34611200003' });
  await whatsappFrom(ids.pedro, 'Hola, ¿tenéis cita el lunes?');
  context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

describe('live updates', () => {
  it('shows a new WhatsApp message in the open inbox without a reload: behind the pill while the user is active, by itself once idle', async () => {
    await signIn(page, base, rosa);
    await queue().getByText('Pedro Alba').waitFor(P);
    // Held until the stream is open (the inbox stops polling then), so the change below travels by the stream.
    await page.locator('html[data-live="open"]').waitFor({ state: 'attached', ...P });
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    // An active user (the pointer moving) sees the change wait behind the pill, the list unchanged.
    await page.mouse.move(240, 300);
    await whatsappFrom(ids.lucia!, 'Buenas, quería pedir presupuesto');
    const pill = page.getByTestId('live-pill');
    for (let i = 0; i < 40 && !(await pill.isVisible()); i++) {
      await page.mouse.move(200 + (i % 2) * 40, 300);
      await page.waitForTimeout(250);
    }
    await expect(pill.textContent()).resolves.toBe('1 cambio · Actualizar');
    expect(await queue().getByText('Lucía Núñez Pérez').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/live-pill.png` });
    await pill.click();
    await queue().getByText('Lucía Núñez Pérez').waitFor(P);
    await pill.waitFor({ state: 'detached', ...P });

    // Left alone, the next change shows by itself after the idle delay.
    await whatsappFrom(ids.tomas!, '¿Abrís el sábado?');
    await queue().getByText('Tomás Quesada').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  }, 90_000);

  it('keeps one event stream for the browser: a second tab follows the first over BroadcastChannel', async () => {
    const second = await context.newPage();
    const streams: string[] = [];
    second.on('request', (r) => {
      if (r.url().includes('/v1/events/stream')) streams.push(r.url());
    });
    await second.goto(`${base}/inbox`);
    await second.getByTestId('queue').getByText('Pedro Alba').waitFor(P);
    ids.irene = await contact({ firstName: 'Irene', lastName: 'Sanz', phone: '+34611200004' });
    await whatsappFrom(ids.irene, 'Hola');
    await second.getByTestId('queue').getByText('Irene Sanz').waitFor({ timeout: 30_000 });
    expect(streams).toEqual([]);
    await second.close();
  }, 60_000);
});

describe('command palette', () => {
  it('finds Núñez typed "nunez" with Ctrl K, opens it with Enter, and lists it among the recent contacts', async () => {
    await page.goto(`${base}/inbox`);
    await queue().getByText('Pedro Alba').waitFor(P);
    await page.keyboard.press('Control+K');
    const input = page.getByTestId('palette-input');
    await input.waitFor(P);
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await input.pressSequentially('nunez', { delay: 30 });
    const hit = page.getByRole('option', { name: /Lucía Núñez Pérez/ });
    await hit.waitFor(P);
    expect(await page.getByRole('option').first().textContent()).toContain('Lucía Núñez Pérez');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/command-palette.png` });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/contacts/${ids.lucia}`, P);
    await page.getByRole('heading', { name: /Lucía Núñez Pérez/ }).first().waitFor(P);

    // Back to the palette from the contact page: Lucía heads the recent contacts; the actions work from the keyboard.
    await page.getByTestId('palette-trigger').click();
    await page.getByRole('option', { name: 'Lucía Núñez Pérez' }).waitFor(P);
    await page.getByTestId('palette-input').pressSequentially('importar', { delay: 30 });
    await page.getByRole('option', { name: 'Importar CSV' }).waitFor(P);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/import`, P);
  }, 60_000);
});
