import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, type Person } from './browser-helpers.ts';

/**
 * Settings → Playbooks y etapas and Settings → Equipo in Debian's Chromium against the real server
 * and database: an owner creates a playbook with three stages, reorders them with the keyboard,
 * renames one, is told why a stage with a contact cannot be deleted, and sees the board's columns
 * in the new order; then changes a teammate's role (persisted) and is refused demoting the
 * workspace's last owner, with the reason on screen; axe on both screens.
 */
const P = { timeout: 15_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let owner: Person;
let teammateId: string;

/** An owner with a password, through the invite link the API gives (the account this file signs in as). */
async function ownerWithPassword(ws: TestWorkspace, email: string, name: string): Promise<Person> {
  const user = await ws.req('POST', '/v1/users', { email, name, role: 'owner' });
  if (user.status !== 201) throw new Error(`create owner: ${user.status} ${user.text}`);
  const invite = await ws.req('POST', `/v1/users/${user.body.id}/invite`);
  const token = new URL(invite.body.inviteUrl as string).hash.replace('#token=', '');
  const password = 'pino tranvia ciruela martes';
  const accepted = await ws.req('POST', '/v1/auth/accept-invite', { token, password });
  if (accepted.status !== 200) throw new Error(`accept invite: ${accepted.status} ${accepted.text}`);
  return { email, password, userId: user.body.id as string };
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Etapas Luna' });
  owner = await ownerWithPassword(a, `olga.${a.id.slice(-8)}@luna.example`, 'Olga Etapas');
  // The workspace's first owner steps down, so Olga is its only owner (the last-owner case below).
  const stepDown = await a.req('PATCH', `/v1/users/${a.ownerId}`, { role: 'admin' });
  if (stepDown.status !== 200) throw new Error(`step down: ${stepDown.status} ${stepDown.text}`);
  teammateId = (await a.req('POST', '/v1/users', { email: `tomas.${a.id.slice(-8)}@luna.example`, name: 'Tomás Equipo', role: 'member' })).body.id;
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const noSeriousViolations = async (page: Page) => expect((await seriousViolations(page)).join('\n')).toBe('');
const stageNames = (page: Page) => page.getByTestId('stage-row').locator('td:nth-child(2) span').allTextContents();
const focusedLabel = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);

describe('settings: playbooks and team roles', { timeout: 90_000 }, () => {
  it('creates a playbook with three stages, reorders them by keyboard, renames one, and the board shows that order', async () => {
    const { context, page } = await openSignedIn(browser, base, owner);
    await page.getByRole('link', { name: 'Ajustes' }).click();
    await page.getByRole('navigation', { name: 'Secciones de ajustes' }).getByRole('link', { name: 'Playbooks y etapas' }).click();
    await page.waitForURL(`${base}/settings/playbooks`);

    await page.getByLabel(/^Nombre del playbook nuevo/).fill('Ventas Luna');
    await page.getByRole('button', { name: 'Crear playbook' }).click();
    await page.waitForURL(/\/settings\/playbooks\/[0-9a-f-]{36}$/);
    const playbookId = page.url().split('/').pop()!;

    for (const [name, stale] of [['Nuevo', ''], ['Cualificado', '5'], ['Propuesta', '']] as const) {
      await page.getByLabel(/^Nombre de la etapa/).fill(name);
      if (stale) await page.getByLabel(/^Estancado tras/).fill(stale);
      await page.getByRole('button', { name: 'Añadir', exact: true }).click();
      await expect.poll(() => page.getByTestId('stage-row').filter({ hasText: name }).count(), P).toBe(1);
    }
    expect(await stageNames(page)).toEqual(['Nuevo', 'Cualificado', 'Propuesta']);
    expect(await page.getByTestId('stage-row').filter({ hasText: 'Cualificado' }).textContent()).toContain('5 días');

    // Keyboard only: focus "Bajar Nuevo" and press Enter twice; the focus follows the row.
    await page.getByRole('button', { name: 'Bajar Nuevo' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => stageNames(page), P).toEqual(['Cualificado', 'Nuevo', 'Propuesta']);
    await expect.poll(() => focusedLabel(page), P).toBe('Bajar Nuevo');
    await page.keyboard.press('Enter');
    await expect.poll(() => stageNames(page), P).toEqual(['Cualificado', 'Propuesta', 'Nuevo']);
    // At the bottom "Bajar" is disabled, so the focus is on the row's "Subir".
    await expect.poll(() => focusedLabel(page), P).toBe('Subir Nuevo');
    await expect.poll(() => page.getByTestId('stage-moved').textContent(), P).toBe('Nuevo: posición 3 de 3');

    // Rename a stage in its dialog.
    await page.getByRole('button', { name: 'Editar la etapa Cualificado' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Nombre de la etapa/).fill('Cualificado MQL');
    await dialog.getByRole('button', { name: 'Guardar etapa' }).click();
    await expect.poll(() => stageNames(page), P).toEqual(['Cualificado MQL', 'Propuesta', 'Nuevo']);

    // What the API now holds is what the screen shows.
    const stored = (await a.req('GET', `/v1/playbooks/${playbookId}`)).body;
    expect(stored.stages.map((s: { name: string; staleAfterDays: number | null }) => [s.name, s.staleAfterDays])).toEqual([['Cualificado MQL', 5], ['Propuesta', null], ['Nuevo', null]]);

    // A stage with a contact in it cannot be deleted: the API's 409, in words, with its count.
    const contact = (await a.req('POST', '/v1/contacts', { firstName: 'Lucía', email: `lucia.${a.id.slice(-8)}@luna.example` })).body;
    const nuevo = stored.stages.find((s: { name: string }) => s.name === 'Nuevo');
    expect((await a.req('PUT', `/v1/contacts/${contact.id}/stage`, { playbookId, stageId: nuevo.id })).status).toBe(200);
    await page.getByRole('button', { name: 'Borrar la etapa Nuevo' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Borrar', exact: true }).click();
    await expect.poll(() => page.getByTestId('stage-has-contacts').textContent(), P).toBe('Hay 1 contacto en esta etapa: muévelo a otra etapa antes de borrarla.');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancelar' }).click();
    expect(await stageNames(page)).toEqual(['Cualificado MQL', 'Propuesta', 'Nuevo']);

    await page.screenshot({ path: `${SHOTS}/settings-playbooks.png`, fullPage: true });
    await noSeriousViolations(page);

    await page.getByRole('link', { name: 'Ver tablero' }).click();
    await page.waitForURL(`${base}/playbooks/${playbookId}/board`);
    await expect.poll(() => page.getByRole('heading', { level: 2 }).allTextContents(), P).toEqual(['Cualificado MQL', 'Propuesta', 'Nuevo']);
    await context.close();
  });

  it('changes a teammate\'s role (persisted) and cannot demote the last owner, with the reason shown', async () => {
    const { context, page } = await openSignedIn(browser, base, owner);
    await page.goto(`${base}/settings/team`);
    const teammateRole = page.getByRole('combobox', { name: 'Rol de Tomás Equipo' });
    await expect.poll(() => teammateRole.inputValue(), P).toBe('Miembro');
    await teammateRole.click();
    await page.getByRole('option', { name: 'Administrador' }).click();
    await expect.poll(() => page.getByTestId('team-status').textContent(), P).toBe('Rol de Tomás Equipo cambiado a Administrador');
    expect((await a.req('GET', `/v1/users/${teammateId}`)).body.role).toBe('admin');
    await page.reload();
    await expect.poll(() => page.getByRole('combobox', { name: 'Rol de Tomás Equipo' }).inputValue(), P).toBe('Administrador');

    const myRole = page.getByRole('combobox', { name: 'Rol de Olga Etapas' });
    await myRole.click();
    await page.getByRole('option', { name: 'Miembro' }).click();
    await expect.poll(() => page.getByTestId('team-error').textContent(), P).toBe('Es el último propietario del espacio de trabajo: nombra antes a otra persona propietaria.');
    await expect.poll(() => myRole.inputValue(), P).toBe('Propietario');
    expect((await a.req('GET', `/v1/users/${owner.userId}`)).body.role).toBe('owner');

    await page.screenshot({ path: `${SHOTS}/settings-team-roles.png`, fullPage: true });
    await noSeriousViolations(page);
    await context.close();
  });
});
