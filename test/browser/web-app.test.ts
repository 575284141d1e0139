import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, signIn, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The web app in Debian's Chromium against the real server and database: sign-in and out, the
 * attention inbox, search, the contact page and its composer, another workspace's user, axe.
 */
const HOUR = 3600_000;
/** How long a screen may take to show what is expected (polling; never an assertion on time). */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let b: TestWorkspace;
let ana: Person;
let bruno: Person;
const ids: Record<string, string> = {};

async function contact(ws: TestWorkspace, body: object): Promise<string> {
  const r = await ws.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}
async function inbound(ws: TestWorkspace, id: string, text: string, at: Date): Promise<void> {
  const r = await ws.req('POST', `/v1/contacts/${id}/whatsapp-messages`, { direction: 'inbound', body: text, sentAt: at.toISOString() });
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Inmobiliaria Sol' });
  b = await t.workspace({ name: 'Otra Empresa' });
  ana = await userWithPassword(a, 'ana@sol.example', 'Ana Ruiz');
  bruno = await userWithPassword(b, 'bruno@otra.example', 'Bruno Gil');
  const consents = { transactionalWhatsapp: true };
  ids.lucia = await contact(a, { firstName: 'Lucía', lastName: 'Núñez Pérez', phone: '612345678', company: 'Casas Norte', consents });
  ids.jorge = await contact(a, { firstName: 'Jorge', lastName: 'Gómez', phone: '622345678', consents });
  ids.marta = await contact(b, { firstName: 'Marta', lastName: 'Ibáñez', phone: '632345678', consents });
  await inbound(a, ids.lucia, 'Hola, ¿sigue disponible el piso de la calle Mayor?', new Date(Date.now() - 2 * HOUR));
  await inbound(a, ids.jorge, 'Buenas, quería información', new Date(Date.now() - 30 * HOUR)); // window closed since 6 h
  await inbound(b, ids.marta, 'Mensaje de otra empresa', new Date(Date.now() - HOUR));
  const tpl = await a.req('POST', '/v1/whatsapp-templates', { name: 'seguimiento_visita', language: 'es', category: 'utility', body: 'Hola {{1}}, ¿te viene bien una visita el {{2}}?' });
  expect(tpl.status).toBe(201);
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person, viewport = { width: 1280, height: 900 }) => openSignedIn(browser, base, who, { viewport });

describe('web app', { timeout: 60_000 }, () => {
  it('is served at / with a CSP, hashed assets cached for good, and the API left alone', async () => {
    const html = await fetch(`${base}/inbox`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${base}/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
  });

  it('signs in, lands on the inbox, signs out, and a lost session goes back to sign-in', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${base}/contacts`);
    await page.waitForURL(/\/sign-in\?next=%2Fcontacts/);
    await page.getByLabel('Email').fill(ana.email);
    await page.getByLabel('Contraseña').fill('not the password at all');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(async () => ((await page.getByRole('alert').textContent()) ?? "").trim(), P).toBe('Email o contraseña incorrectos');
    await page.getByLabel('Contraseña').fill(ana.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(`${base}/contacts`); // `next` honoured
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === '__Host-vixiees_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

    await page.getByRole('button', { name: /Menú de Ana Ruiz/ }).click();
    await page.getByRole('menuitem', { name: 'Cerrar sesión' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${base}/inbox`);
    await page.waitForURL(/\/sign-in\?next=%2Finbox/);

    // Expiry: the server no longer knows the session → the next call sends the user to sign in.
    await signIn(page, base, ana);
    await page.getByTestId('queue').waitFor(); // the inbox has loaded with the session
    await context.clearCookies();
    await page.getByRole('link', { name: 'Contactos' }).click();
    await page.waitForURL(/\/sign-in/);
    await expect.poll(() => page.getByRole('status').textContent(), P).toContain('Tu sesión ha caducado');
    await context.close();
  });

  it('the inbox lists pending contacts longest waiting first, live; answering on WhatsApp removes the contact', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const page = await context.newPage();
    await page.clock.install(); // the page's clock, moved by the test: the waiting time must tick without a reload
    await signIn(page, base, ana);
    const queue = page.getByTestId('queue');
    await expect.poll(() => queue.getByRole('listitem').count(), P).toBe(2);
    const jorgeWaiting = queue.getByRole('listitem').nth(0).getByTestId('waiting');
    await expect.poll(() => jorgeWaiting.textContent(), P).toContain('1 d 6 h');
    await page.clock.fastForward('01:00:00');
    await expect.poll(() => jorgeWaiting.textContent(), P).toContain('1 d 7 h');
    await expect.poll(() => queue.getByRole('listitem').nth(0).textContent(), P).toContain('Jorge Gómez'); // 30 h beats 2 h
    await expect.poll(() => queue.getByRole('listitem').nth(1).textContent(), P).toContain('Lucía Núñez Pérez');
    await expect.poll(() => queue.getByRole('listitem').nth(1).textContent(), P).toContain('WhatsApp');
    await expect.poll(() => queue.getByRole('listitem').nth(1).textContent(), P).toContain('3 h'); // 2 h, plus the hour the clock moved
    await expect.poll(() => queue.textContent(), P).not.toContain('Marta');
    await page.screenshot({ path: `${SHOTS}/inbox.png`, fullPage: true });
    expect((await seriousViolations(page)).join('\n')).toBe('');

    // Keyboard first: j, j walks to the second contact, Enter opens it.
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), P).toBe('Lucía Núñez Pérez');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/contacts/${ids.lucia}`));
    const chips = page.getByTestId('status-chips');
    await expect.poll(() => chips.textContent(), P).toContain('Pendiente · WhatsApp');
    await expect.poll(() => chips.textContent(), P).toContain('Ventana abierta');
    await expect.poll(() => page.getByTestId('timeline').textContent(), P).toContain('¿sigue disponible el piso');
    await page.screenshot({ path: `${SHOTS}/contact.png`, fullPage: true });
    expect((await seriousViolations(page)).join('\n')).toBe('');

    await page.getByLabel('Mensaje de WhatsApp').fill('¡Hola Lucía! Sí, sigue disponible. ¿Te llamo?');
    await page.getByRole('button', { name: 'Enviar', exact: true }).click();
    await expect.poll(() => page.getByTestId('timeline').textContent(), P).toContain('¿Te llamo?');
    await expect.poll(() => chips.textContent(), P).not.toContain('Pendiente');

    await page.getByRole('link', { name: 'Atención' }).click();
    await expect.poll(() => queue.getByRole('listitem').count(), P).toBe(1);
    await expect.poll(() => queue.textContent(), P).not.toContain('Lucía');
    await context.close();
  });

  it('inbox and contact page pass axe at 390 px too', async () => {
    const { context, page } = await signedIn(ana, { width: 390, height: 844 });
    await page.getByTestId('queue').getByRole('listitem').first().waitFor({ state: 'visible' });
    expect((await seriousViolations(page)).join('\n')).toBe('');
    await page.screenshot({ path: `${SHOTS}/inbox-390.png`, fullPage: true });
    await page.goto(`${base}/contacts/${ids.jorge}`);
    await expect.poll(() => page.getByTestId('status-chips').textContent(), P).toContain('Ventana cerrada');
    expect((await seriousViolations(page)).join('\n')).toBe('');
    await page.screenshot({ path: `${SHOTS}/contact-390.png`, fullPage: true });
    await context.close();
  });

  it('finds a contact by a surname typed without its accent', async () => {
    const { context, page } = await signedIn(ana);
    await page.getByRole('link', { name: 'Contactos' }).click();
    await page.getByRole('searchbox', { name: 'Buscar contactos', exact: true }).fill('nunez');
    const table = page.getByRole('table', { name: 'Contactos' });
    await expect.poll(() => table.getByRole('row').count(), P).toBe(2); // header + Lucía
    await expect.poll(() => table.textContent(), P).toContain('Lucía Núñez Pérez');
    await expect.poll(async () => ((await page.getByTestId('contact-count').textContent()) ?? "").trim(), P).toBe('1 contacto');
    expect((await seriousViolations(page)).join('\n')).toBe('');
    await context.close();
  });

  it('the create form shows the API field error next to its field', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/contacts?new=1`);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Nombre').fill('Pedro');
    await dialog.getByLabel('Teléfono').fill('612345678'); // Lucía's
    await dialog.getByRole('button', { name: 'Crear contacto' }).click();
    const phone = dialog.getByLabel('Teléfono');
    await expect.poll(() => phone.getAttribute('aria-invalid'), P).toBe('true');
    const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
    await expect.poll(() => page.locator(`[id="${describedBy.split(' ').find((x) => x.includes('error'))}"]`).textContent(), P).toContain('Ya pertenece a otro contacto');
    await expect.poll(() => dialog.getByLabel('Email').getAttribute('aria-invalid'), P).not.toBe('true');
    await context.close();
  });

  it('outside the 24-hour window the text box gives way to the template picker', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/contacts/${ids.jorge}`);
    await expect.poll(() => page.getByTestId('window-closed').textContent(), P).toContain('Han pasado más de 24 h desde el último mensaje de Jorge Gómez');
    await expect.poll(() => page.getByLabel('Mensaje de WhatsApp').count(), P).toBe(0);
    await page.getByRole('button', { name: 'Elegir plantilla' }).click();
    const picker = page.getByTestId('template-picker');
    await expect.poll(() => picker.textContent(), P).toContain('seguimiento_visita');
    await expect.poll(() => picker.textContent(), P).toContain('Utilidad');
    await picker.getByRole('button', { name: /seguimiento_visita/ }).click();
    const send = page.getByRole('button', { name: 'Enviar plantilla' });
    await expect.poll(() => send.isDisabled(), P).toBe(true);
    await page.getByLabel('Variable 1').fill('Jorge');
    await page.getByLabel('Variable 2').fill('martes');
    await expect.poll(() => page.getByRole('dialog').textContent(), P).toContain('Hola Jorge, ¿te viene bien una visita el martes?');
    await send.click();
    await expect.poll(() => page.getByTestId('timeline').textContent(), P).toContain('Hola {{1}}');
    await expect.poll(() => page.getByTestId('status-chips').textContent(), P).not.toContain('Pendiente');
    await context.close();
  });

  it('an email in two workspaces chooses one at sign-in, and sees that one', async () => {
    const both = { email: 'carla@ambas.example', password: 'caballo bateria grapa correcta' };
    await userWithPassword(a, both.email, 'Carla en Sol');
    await userWithPassword(b, both.email, 'Carla en Otra');
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email').fill(both.email);
    await page.getByLabel('Contraseña').fill(both.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('radio', { name: 'Otra Empresa' }).check();
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(`${base}/inbox`);
    await expect.poll(() => page.getByRole('banner').textContent(), P).toContain('Otra Empresa');
    await expect.poll(() => page.getByTestId('queue').textContent(), P).toContain('Marta Ibáñez');
    await context.close();
  });

  it('a user of another workspace sees none of it', async () => {
    const { context, page } = await signedIn(bruno);
    const queue = page.getByTestId('queue');
    await expect.poll(() => queue.getByRole('listitem').count(), P).toBe(1);
    await expect.poll(() => queue.textContent(), P).toContain('Marta Ibáñez');
    await expect.poll(() => page.locator('main').textContent(), P).not.toContain('Jorge');
    await page.getByRole('link', { name: 'Contactos' }).click();
    await page.getByRole('searchbox', { name: 'Buscar contactos', exact: true }).fill('nunez');
    await page.getByText('Ningún contacto cumple esta búsqueda').waitFor({ state: 'visible' });
    await page.goto(`${base}/contacts/${ids.lucia}`);
    await expect.poll(() => page.getByRole('alert').textContent(), P).toContain('Este contacto no existe o se ha eliminado');
    await expect.poll(() => page.locator('main').textContent(), P).not.toContain('Lucía');
    await context.close();
  });
});
