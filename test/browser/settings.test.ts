import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { metaSignature } from '../../src/integrations/signatures.ts';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, type Person } from './browser-helpers.ts';

/**
 * Settings and the notifications bell in Debian's Chromium against the real server and database:
 * an owner creates an API key (secret shown once, and it works), invites a member (who sees only
 * the personal section), connects WhatsApp (webhook URL, an event in the log), changes the
 * password (other sessions end), and the bell counts, lists and clears notifications; axe.
 */
const P = { timeout: 15_000 };
const APP_SECRET = 'app-secret-settings-test';

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let owner: Person;

/** An owner with a password, through the invite link the API gives (the account this file signs in as). */
async function ownerWithPassword(ws: TestWorkspace, email: string, name: string): Promise<Person> {
  const user = await ws.req('POST', '/v1/users', { email, name, role: 'owner' });
  if (user.status !== 201) throw new Error(`create owner: ${user.status} ${user.text}`);
  const invite = await ws.req('POST', `/v1/users/${user.body.id}/invite`);
  const token = new URL(invite.body.inviteUrl as string).hash.replace('#token=', '');
  const password = 'olivo tranvia cereza lunes';
  const accepted = await ws.req('POST', '/v1/auth/accept-invite', { token, password });
  if (accepted.status !== 200) throw new Error(`accept invite: ${accepted.status} ${accepted.text}`);
  return { email, password, userId: user.body.id as string };
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Ajustes Sol' });
  owner = await ownerWithPassword(a, 'olga.settings@sol.example', 'Olga Settings');
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person) => openSignedIn(browser, base, who);

const sectionLinks = (page: Page) => page.getByRole('navigation', { name: 'Secciones de ajustes' }).getByRole('link');
const noSeriousViolations = async (page: Page) => expect((await seriousViolations(page)).join('\n')).toBe('');

describe('settings and notifications', { timeout: 90_000 }, () => {
  it('an owner creates an API key: the secret is shown once, works against the API, and the key can be revoked', async () => {
    const { context, page } = await signedIn(owner);
    await page.getByRole('link', { name: 'Ajustes' }).click();
    await page.waitForURL(`${base}/settings/profile`);
    await expect.poll(() => sectionLinks(page).allTextContents(), P).toEqual(['Perfil', 'Espacio de trabajo', 'Equipo', 'Atributos de contacto', 'Playbooks y etapas', 'Integraciones', 'Claves de API']);
    await sectionLinks(page).filter({ hasText: 'Claves de API' }).click();
    await page.waitForURL(`${base}/settings/api-keys`);

    await page.getByLabel(/^Nombre/).fill('Zapier ajustes');
    await page.getByRole('button', { name: 'Crear clave' }).click();
    const secretField = page.getByRole('textbox', { name: 'Clave secreta', exact: true });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^vx_live_/);
    await expect.poll(() => page.getByTestId('api-key-secret').textContent(), P).toContain('no volverás a verla');
    await page.screenshot({ path: `${SHOTS}/settings-api-key.png`, fullPage: true });
    await noSeriousViolations(page);

    const used = await fetch(`${base}/v1/workspace`, { headers: { authorization: `Bearer ${secret}` } });
    expect(used.status).toBe(200);
    expect((await used.json()).name).toBe('Ajustes Sol');

    // Shown once: after a reload the list shows the prefix only.
    await page.reload();
    await expect.poll(() => page.getByTestId('api-key-row').filter({ hasText: 'Zapier ajustes' }).count(), P).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Clave secreta', exact: true }).count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Revocar la clave Zapier ajustes' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revocar' }).click();
    await expect.poll(() => page.getByTestId('api-key-row').filter({ hasText: 'Zapier ajustes' }).textContent(), P).toContain('Revocada');
    expect((await fetch(`${base}/v1/workspace`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    await context.close();
  });

  it('invites a member by link; the member accepts it, signs in and sees only the personal section', async () => {
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/settings/team`);
    await page.getByLabel(/^Email/).fill('mario.settings@sol.example');
    await page.getByLabel(/^Nombre/).fill('Mario Miembro');
    await page.getByRole('button', { name: 'Crear invitación' }).click();
    const linkField = page.getByRole('textbox', { name: 'Enlace de invitación para mario.settings@sol.example' });
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(/\/invite#token=/);
    await expect.poll(() => page.getByRole('table', { name: 'Usuarios del espacio de trabajo' }).textContent(), P).toContain('Mario Miembro');
    await expect.poll(() => page.getByRole('combobox', { name: 'Rol de Mario Miembro' }).inputValue(), P).toBe('Miembro');
    await noSeriousViolations(page);
    await context.close();

    // The invited person opens the link and sets a password (the call an invite page makes).
    const member: Person = { email: 'mario.settings@sol.example', password: 'mesa ventana naranja julio', userId: '' };
    const guest = await browser.newContext({ locale: 'es-ES' });
    const guestPage = await guest.newPage();
    await guestPage.goto(`${base}/sign-in`);
    const token = new URL(link).hash.replace('#token=', '');
    const accepted = await guestPage.evaluate(async ([tok, pw]) => (await fetch('/v1/auth/accept-invite', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tok, password: pw }) })).status, [token, member.password] as const);
    expect(accepted).toBe(200);
    await guest.close();

    const m = await signedIn(member);
    await m.page.getByRole('link', { name: 'Ajustes' }).click();
    await expect.poll(() => sectionLinks(m.page).allTextContents(), P).toEqual(['Perfil']);
    await expect.poll(() => m.page.getByLabel('Email', { exact: true }).inputValue(), P).toBe(member.email);
    await m.page.goto(`${base}/settings/api-keys`);
    await expect.poll(() => m.page.getByRole('alert').textContent(), P).toContain('No tienes permiso');
    expect(await m.page.getByRole('button', { name: 'Crear clave' }).count()).toBe(0);
    await m.context.close();
  });

  it('connects WhatsApp: the webhook URL to copy, a signed delivery in the events log, the status', async () => {
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/settings/integrations`);
    await page.getByRole('button', { name: 'WhatsApp Cloud API' }).click();
    await page.waitForURL(`${base}/settings/integrations/new/whatsapp`);
    await page.getByLabel(/^Nombre/).fill('WhatsApp ventas');
    await page.getByLabel('Identificador del número de teléfono').fill('not a number');
    await page.getByLabel('Identificador de la cuenta de WhatsApp Business').fill('102290129340398');
    await page.getByLabel('Token de verificación').fill('verifica-ajustes');
    await page.getByLabel('Clave secreta de la app').fill(APP_SECRET);
    await page.getByLabel('Token de acceso').fill('EAAG-access-token');
    await page.getByRole('button', { name: 'Conectar' }).click();
    // The API's field error shows next to its field.
    await expect.poll(async () => (await page.getByLabel('Identificador del número de teléfono').getAttribute('aria-invalid')) ?? '', P).toBe('true');
    await page.getByLabel('Identificador del número de teléfono').fill('106540352242922');
    await page.getByRole('button', { name: 'Conectar' }).click();
    await page.waitForURL(/\/settings\/integrations\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const webhookUrl = await page.getByTestId('webhook-url').inputValue();
    expect(webhookUrl).toBe(`${base}/v1/hooks/whatsapp/${id}`);
    await expect.poll(() => page.getByText('Aún no ha llegado ningún evento').count(), P).toBeGreaterThan(0);

    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '106540352242922' }, contacts: [{ profile: { name: 'Rosa Vidal' }, wa_id: '34612000999' }], messages: [{ from: '34612000999', id: 'wamid.SETTINGS1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'Hola' } }] } }] }],
    });
    const hook = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(APP_SECRET, body) }, body });
    expect(hook.status).toBe(200);
    await expect.poll(() => page.getByTestId('integration-event').count(), P).toBe(1);
    await expect.poll(() => page.getByTestId('integration-status').textContent(), P).toBe('Conectado');
    await expect.poll(async () => (await page.getByText(/Último evento recibido hace/).count()) > 0, P).toBe(true);
    await page.screenshot({ path: `${SHOTS}/settings-integration.png`, fullPage: true });
    await noSeriousViolations(page);

    await page.getByRole('button', { name: 'Todas las integraciones' }).click();
    await expect.poll(() => page.getByTestId('integration-card').filter({ hasText: 'WhatsApp ventas' }).textContent(), P).toContain('Conectado');
    await context.close();
  });

  it('changes the password: the other session ends, this one stays, the new password signs in', async () => {
    const other = await signedIn(owner);
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/settings/profile`);
    await page.getByLabel(/^Contraseña actual/).fill('not my password at all');
    await page.getByLabel(/^Contraseña nueva/).fill('granito pez volcan otoño');
    await page.getByLabel(/^Repite la contraseña nueva/).fill('granito pez volcan otoño');
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(() => page.getByText('La contraseña actual no es correcta').count(), P).toBe(1);
    await page.getByLabel(/^Contraseña actual/).fill(owner.password);
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Contraseña cambiada' }).count(), P).toBe(1);
    owner = { ...owner, password: 'granito pez volcan otoño' };
    await noSeriousViolations(page);

    const sessionOf = (p: Page) => p.evaluate(async () => (await fetch('/v1/auth/session')).status);
    expect(await sessionOf(other.page)).toBe(401);
    expect(await sessionOf(page)).toBe(200);
    await other.context.close();
    const again = await signedIn(owner);
    await again.context.close();
    await context.close();
  });

  it('the bell counts unread notifications (one per contact), in the tab title too, and marking read clears it', async () => {
    const pending = async (firstName: string, phone: string, times: number) => {
      const c = await a.req('POST', '/v1/contacts', { firstName, lastName: 'Campana', phone });
      expect(c.status, c.text).toBe(201);
      for (let i = 0; i < times; i++) {
        // Each time the contact becomes pending anew (ignored and back in between), a notice is written.
        if (i > 0) {
          expect((await a.req('POST', `/v1/contacts/${c.body.id}/ignore`, {})).status).toBeLessThan(300);
          expect((await a.req('POST', `/v1/contacts/${c.body.id}/unignore`, {})).status).toBeLessThan(300);
        }
        const m = await a.req('POST', `/v1/contacts/${c.body.id}/whatsapp-messages`, { direction: 'inbound', body: `Hola ${i}` });
        expect(m.status, m.text).toBe(201);
      }
      const notices = ((await a.req('GET', '/v1/notifications?unread=true')).body.data as { contactId: string }[]).filter((n) => n.contactId === c.body.id);
      expect(notices.length).toBe(times);
      return c.body.id as string;
    };
    const laura = await pending('Laura', '611222333', 2);
    await pending('Pedro', '611222444', 1);
    // The webhook above made Rosa Vidal pending too only once a worker processes it; this test's app runs none.
    const unreadNow = (await a.req('GET', '/v1/notifications?unread=true')).body.data as { contactId: string }[];
    const people = new Set(unreadNow.map((n) => n.contactId)).size;

    const { context, page } = await signedIn(owner);
    const bell = page.getByRole('button', { name: /^Notificaciones/ });
    await expect.poll(() => bell.getAttribute('aria-label'), P).toBe(`Notificaciones: ${people} sin leer`);
    await expect.poll(() => page.title(), P).toBe(`(${people}) Atención · Vixiees`);
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notificaciones' });
    await panel.waitFor();
    await expect.poll(() => panel.getByText('Hoy', { exact: true }).count(), P).toBe(1);
    const lauraItem = panel.getByTestId('notification-item').filter({ hasText: 'Laura Campana' });
    await expect.poll(() => lauraItem.count(), P).toBe(1); // two notices, one row
    await expect.poll(() => lauraItem.textContent(), P).toContain('2 avisos · WhatsApp');
    await expect.poll(() => lauraItem.textContent(), P).toContain('Sin leer');
    await page.screenshot({ path: `${SHOTS}/notifications-bell.png` });
    await noSeriousViolations(page);

    // One item: its deep link opens the contact, and it counts no more.
    await lauraItem.click();
    await page.waitForURL(new RegExp(`/contacts/${laura}`));
    await expect.poll(() => bell.getAttribute('aria-label'), P).toBe(people - 1 > 0 ? `Notificaciones: ${people - 1} sin leer` : 'Notificaciones');
    await expect.poll(() => page.title(), P).toMatch(new RegExp(`^\\(${people - 1}\\) `));

    // Everything: the count and the title's prefix go (once the contact page has settled).
    await page.getByRole('heading', { name: /Laura Campana/ }).first().waitFor(P);
    await bell.click(P);
    // The bell clears optimistically, before the server has answered: the API is asked only once it has.
    const markedAll = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/v1/notifications/read-all'), P);
    await panel.getByRole('button', { name: 'Marcar todo como leído' }).click();
    expect((await markedAll).status()).toBe(200);
    await expect.poll(() => bell.getAttribute('aria-label'), P).toBe('Notificaciones');
    await expect.poll(() => page.title(), P).not.toMatch(/^\(/);
    expect((await a.req('GET', '/v1/notifications?unread=true')).body.data).toEqual([]);
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: /^Notificaciones/ }).getAttribute('aria-label'), P).toBe('Notificaciones');
    await context.close();
  });
});
