import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolationsOutsideShell, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The contact page's composer in Debian's Chromium against the real server and database: an
 * email (queued: the workspace has no mailbox), a task with a due time, a meeting, a deal with an
 * amount and a real file as a document, each then in the timeline; the API's validation errors
 * under their fields; times typed on the workspace's clock (the browser sits in another zone);
 * the channel picker on a 390 px phone; axe.
 */
const P = { timeout: 10_000 };
const ZONE = 'Europe/Madrid';

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let eva: Person;
let lucia: string;

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Pisos Mayor' });
  const ws = await a.req('PATCH', '/v1/workspace', { timeZone: ZONE, locale: 'es-ES' });
  expect(ws.status, ws.text).toBe(200);
  eva = await userWithPassword(a, 'eva.composer@pisos-mayor.example', 'Eva Composer');
  const c = await a.req('POST', '/v1/contacts', { firstName: 'Lucía', lastName: 'Composer', email: 'lucia.composer@pisos-mayor.example', consents: { transactionalEmail: true } });
  expect(c.status, c.text).toBe(201);
  lucia = c.body.id as string;
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

/** The browser in New York: typed times must still be read on the workspace's Madrid clock. */
const signedIn = (viewport = { width: 1400, height: 900 }) => openSignedIn(browser, base, eva, { viewport, timezoneId: 'America/New_York' });

/** What the web app shows for an instant (its formatter: es-ES, the workspace's zone). */
const shown = (iso: string) => new Intl.DateTimeFormat('es-ES', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(new Date(iso));

const composer = (page: Page) => page.getByRole('region', { name: 'Redactar' });
const timeline = (page: Page) => page.getByTestId('timeline');

/** Picks a channel with whichever picker the width shows (segments, or a Select when narrow). */
async function pick(page: Page, name: string): Promise<void> {
  const select = composer(page).getByRole('combobox', { name: 'Canal' });
  const segments = composer(page).getByRole('radiogroup', { name: 'Canal' });
  await select.or(segments).waitFor({ state: 'visible', ...P }).catch(async (err: unknown) => {
    await page.screenshot({ path: `${SHOTS}/composer-no-picker.png`, fullPage: true });
    throw err;
  });
  if (await select.count()) {
    await select.click();
    await page.getByRole('option', { name, exact: true }).click();
  } else {
    await composer(page).getByRole('radio', { name, exact: true }).check({ force: true });
  }
}

/** The error text a field points to through aria-describedby (Mantine's error element). */
async function fieldError(field: Locator): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter((x) => x.includes('error'));
  if (ids.length === 0) return '';
  return (await field.page().locator(`[id="${ids[0]}"]`).textContent()) ?? '';
}

async function list(path: string): Promise<Record<string, unknown>[]> {
  const r = await a.req('GET', path);
  expect(r.status, r.text).toBe(200);
  return r.body.data as Record<string, unknown>[];
}


describe('contact composer: email, task, meeting, deal, document', { timeout: 90_000 }, () => {
  it('sends an email (queued without a mailbox); an empty subject shows the API error under Asunto', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/contacts/${lucia}`);
    await pick(page, 'Email');
    const box = composer(page);
    expect(await box.getByLabel('Para').inputValue()).toBe('lucia.composer@pisos-mayor.example');
    await box.getByLabel('Mensaje', { exact: true }).fill('Hola Lucía, te adjunto el presupuesto del piso.');
    await box.getByRole('button', { name: 'Enviar email' }).click();
    const subject = box.getByLabel('Asunto');
    await expect.poll(() => subject.getAttribute('aria-invalid'), P).toBe('true');
    expect(await fieldError(subject)).toBe('Falta este dato');
    expect(await box.getByLabel('Mensaje', { exact: true }).getAttribute('aria-invalid')).not.toBe('true');
    expect(await list(`/v1/contacts/${lucia}/emails`)).toEqual([]);

    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    // Not fullPage: Chromium's full-page capture re-lays the page out and the conversation remounts.
    await page.screenshot({ path: `${SHOTS}/contact-composer.png` });

    await subject.fill('Presupuesto del piso');
    await box.getByRole('button', { name: 'Enviar email' }).click();
    await expect.poll(() => timeline(page).textContent(), P).toContain('Presupuesto del piso');
    await expect.poll(() => timeline(page).textContent(), P).toContain('En cola');
    expect(await timeline(page).textContent()).toContain('Para: lucia.composer@pisos-mayor.example');
    await expect.poll(() => subject.inputValue(), P).toBe('');
    const [email] = await list(`/v1/contacts/${lucia}/emails`);
    expect(email).toMatchObject({ subject: 'Presupuesto del piso', status: 'queued', direction: 'outbound', purpose: 'transactional', to: ['lucia.composer@pisos-mayor.example'] });
    await context.close();
  });

  it('creates a task due at a time on the workspace clock, and a meeting whose end follows its start', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/contacts/${lucia}`);
    await pick(page, 'Tarea');
    const box = composer(page);
    await box.getByLabel('Tarea', { exact: true }).fill('Llamar para confirmar la visita');
    await box.getByLabel('Vence').fill('2026-12-15T10:30');
    await box.getByRole('button', { name: 'Crear tarea' }).click();
    const due = '2026-12-15T09:30:00.000Z'; // 10:30 in Madrid (UTC+1 in December), not in New York
    await expect.poll(() => timeline(page).textContent(), P).toContain('Llamar para confirmar la visita');
    expect(await timeline(page).textContent()).toContain(`Vence el ${shown(due)} · Pendiente`);
    const [task] = await list(`/v1/contacts/${lucia}/tasks`);
    expect(task).toMatchObject({ title: 'Llamar para confirmar la visita', dueAt: due, status: 'pending', assigneeId: eva.userId });

    await pick(page, 'Reunión');
    await box.getByLabel('Título').fill('Visita al piso');
    await box.getByLabel('Empieza').fill('2026-12-16T17:00');
    await expect.poll(() => box.getByLabel('Termina').inputValue(), P).toBe('2026-12-16T17:30');
    await box.getByLabel('Lugar').fill('Calle Mayor 3, Madrid');
    await box.getByRole('button', { name: 'Guardar reunión' }).click();
    await expect.poll(() => timeline(page).textContent(), P).toContain('Visita al piso');
    expect(await timeline(page).textContent()).toContain(`${shown('2026-12-16T16:00:00.000Z')} – ${shown('2026-12-16T16:30:00.000Z')}`);
    expect(await timeline(page).textContent()).toContain('Calle Mayor 3, Madrid');
    const [meeting] = await list(`/v1/contacts/${lucia}/meetings`);
    expect(meeting).toMatchObject({ title: 'Visita al piso', startsAt: '2026-12-16T16:00:00.000Z', endsAt: '2026-12-16T16:30:00.000Z', location: 'Calle Mayor 3, Madrid', source: 'manual' });
    await context.close();
  });

  it('a deal with an amount but no currency shows the API error under Moneda; with EUR it is created', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/contacts/${lucia}`);
    await pick(page, 'Oportunidad');
    const box = composer(page);
    await box.getByLabel('Oportunidad', { exact: true }).fill('Piso Calle Mayor');
    await box.getByLabel('Importe').fill('250000,5');
    const currency = box.getByRole('combobox', { name: 'Moneda' }); // a text box with a list of codes
    expect(await currency.inputValue()).toBe('EUR');
    await currency.fill('');
    await box.getByRole('button', { name: 'Crear oportunidad' }).click();
    await expect.poll(() => currency.getAttribute('aria-invalid'), P).toBe('true');
    expect(await fieldError(currency)).toBe('Un importe necesita su moneda');
    expect(await list(`/v1/contacts/${lucia}/deals`)).toEqual([]);
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);

    await currency.fill('XYZ');
    await box.getByRole('button', { name: 'Crear oportunidad' }).click();
    await expect.poll(() => fieldError(currency), P).toBe('No es una moneda ISO 4217 (como EUR)');
    await currency.fill('eur'); // upper-cased as typed
    expect(await currency.inputValue()).toBe('EUR');
    await box.getByRole('button', { name: 'Crear oportunidad' }).click();
    await expect.poll(() => timeline(page).textContent(), P).toContain('Piso Calle Mayor');
    const money = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' }).format(250000.5);
    expect(await timeline(page).textContent()).toContain(`${money} · Abierta`);
    const [deal] = await list(`/v1/contacts/${lucia}/deals`);
    expect(deal).toMatchObject({ title: 'Piso Calle Mayor', amountMinor: 25000050, currency: 'EUR', status: 'open' });
    await context.close();
  });

  it('uploads a real file as a document; the timeline names it and its link downloads the same bytes', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/contacts/${lucia}`);
    await pick(page, 'Documento');
    const content = 'Presupuesto: piso en la calle Mayor 3\nPrecio: 250.000,50 €\n';
    const file = join(mkdtempSync(join(tmpdir(), 'vixiees-composer-')), 'presupuesto-mayor.txt');
    writeFileSync(file, content);
    await composer(page).locator('input[type="file"]').setInputFiles(file);
    await composer(page).getByRole('button', { name: 'Subir documento' }).click();
    const link = timeline(page).getByRole('link', { name: 'Descargar presupuesto-mayor.txt' });
    await link.waitFor({ state: 'visible', ...P });
    const href = (await link.getAttribute('href'))!;
    expect(await page.evaluate(async (url) => (await fetch(url)).text(), href)).toBe(content);
    const [doc] = await list(`/v1/contacts/${lucia}/documents`);
    expect(doc).toMatchObject({ name: 'presupuesto-mayor.txt', contentType: 'text/plain', sizeBytes: Buffer.byteLength(content) });
    expect(href).toBe(`/v1/documents/${doc!.id}/content`);
    await context.close();
  });

  it('on a wide screen the eight channels are segments in one row, reachable from the keyboard', async () => {
    const { context, page } = await signedIn({ width: 1600, height: 900 });
    await page.goto(`${base}/contacts/${lucia}`);
    const segments = composer(page).getByRole('radiogroup', { name: 'Canal' });
    await segments.waitFor({ state: 'visible', ...P });
    expect(await segments.getByRole('radio').count()).toBe(8);
    // Every label whole: on one line, and inside the control and the composer (none cut off at the edge).
    const clipped = await segments.evaluate((e) => {
      const root = e.getBoundingClientRect();
      const edge = Math.min(root.right, e.closest('section')!.getBoundingClientRect().right);
      return [...e.querySelectorAll('label')].filter((l) => {
        const text = document.createRange();
        text.selectNodeContents(l);
        const lines = new Set([...text.getClientRects()].map((r) => Math.round(r.top))).size;
        const r = l.getBoundingClientRect();
        return lines > 1 || r.right > edge + 0.5 || r.left < root.left - 0.5 || text.getBoundingClientRect().right > r.right + 0.5;
      }).map((l) => l.textContent);
    });
    expect(clipped).toEqual([]);
    await segments.getByRole('radio', { name: 'WhatsApp', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => composer(page).getByRole('button', { name: 'Enviar email' }).count(), P).toBe(1);
    await context.close();
  });

  it('on a 390 px phone the eight channels fit as a Select, and the page passes axe with the composer open', async () => {
    const { context, page } = await signedIn({ width: 390, height: 844 });
    await page.goto(`${base}/contacts/${lucia}`);
    const box = composer(page);
    await box.getByRole('combobox', { name: 'Canal' }).waitFor({ state: 'visible', ...P });
    expect(await box.getByRole('radio').count()).toBe(0);
    await box.getByRole('combobox', { name: 'Canal' }).click();
    // The dropdown opens on a later frame, so poll: reading the options at once can find none yet.
    await expect.poll(() => page.getByRole('option').allTextContents(), P).toEqual(['WhatsApp', 'Email', 'Llamada', 'Nota interna', 'Tarea', 'Reunión', 'Oportunidad', 'Documento']);
    await page.keyboard.press('Escape');
    await pick(page, 'Reunión');
    await box.getByLabel('Empieza').waitFor({ state: 'visible', ...P });
    const fits = await box.evaluate((e) => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= window.innerWidth);
    expect(fits).toBe(true);
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/contact-composer-390.png`, fullPage: true });
    await context.close();
  });
});
