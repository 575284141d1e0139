import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolationsOutsideShell, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The contact page's actions in Debian's Chromium against the real server and database: merge two
 * duplicates side by side keeping a value of the absorbed one, delete and restore, a consent
 * withdrawn with its proof and seen in the history, ignore and un-ignore; axe on the merge
 * dialog and the consents section.
 */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let eva: Person;
const ids: Record<string, string> = {};

async function contact(body: object): Promise<string> {
  const r = await a.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Reformas Acción' });
  eva = await userWithPassword(a, 'eva.acciones@reformas-accion.example', 'Eva Martín');
  // Two records of one person: typed by hand, then again from a web form with another email.
  ids.ana = await contact({ firstName: 'Ana', lastName: 'Ruiz Gil', email: 'ana.ruiz@reformas-accion.example', phone: '+34611222333', company: 'Reformas Ruiz' });
  ids.anaDup = await contact({ firstName: 'Ana', lastName: 'Ruiz', email: 'aruiz.obras@correo-accion.example', company: 'Reformas Ruiz SL', source: 'web' });
  const note = await a.req('POST', `/v1/contacts/${ids.anaDup}/comments`, { body: 'Pidió presupuesto de cocina' });
  expect(note.status, note.text).toBe(201);
  ids.luis = await contact({ firstName: 'Luis', lastName: 'Ortega', phone: '+34633444555', company: 'Ortega Pinturas' });
  ids.luisDup = await contact({ firstName: 'Luis', lastName: 'Ortega Vidal', email: 'luis.vidal@pinturas-accion.example', company: 'Pinturas Ortega' });
  ids.bea = await contact({ firstName: 'Beatriz', lastName: 'Soler', email: 'bea.soler@reformas-accion.example' });
  ids.carlos = await contact({ firstName: 'Carlos', lastName: 'Peña', phone: '+34622333444' });
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);


async function openContact(page: Page, id: string, name: string): Promise<void> {
  await page.goto(`${base}/contacts/${id}`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

async function action(page: Page, item: string): Promise<void> {
  await page.getByRole('button', { name: 'Acciones del contacto' }).click();
  await page.getByRole('menuitem', { name: item }).click();
}

describe('contact page: merge, delete and restore, consents, ignore', { timeout: 90_000 }, () => {
  it('merges a duplicate through the side-by-side dialog, keeping the email and company chosen from it', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await openContact(page, ids.ana!, 'Ana Ruiz Gil');
    await action(page, 'Fusionar con un duplicado…');
    const dialog = page.getByRole('dialog', { name: 'Fusionar con un duplicado' });
    await dialog.getByLabel('Buscar el duplicado').fill('aruiz.obras');
    await dialog.getByRole('button', { name: 'Elegir Ana Ruiz' }).click();

    const compare = dialog.getByRole('table', { name: 'Comparación de los dos contactos' });
    await compare.waitFor();
    // Names, email and company differ; the phone is only on this contact, so it has no choice.
    expect(await compare.getByRole('radio').count()).toBe(2 + 3 * 2);
    expect(await compare.getByRole('radio', { name: 'Conservar este contacto' }).isChecked()).toBe(true);
    expect(await compare.getByRole('radio', { name: 'Email: ana.ruiz@reformas-accion.example (Este contacto)' }).isChecked()).toBe(true);
    await compare.getByRole('radio', { name: 'Email: aruiz.obras@correo-accion.example (El duplicado)' }).check();
    await compare.getByRole('radio', { name: 'Empresa: Reformas Ruiz SL (El duplicado)' }).check();
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/contact-merge-dialog.png` });

    await dialog.getByRole('button', { name: 'Fusionar', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByText('Reformas Ruiz SL', { exact: true }).count(), P).toBeGreaterThan(0);

    const survivor = await a.req('GET', `/v1/contacts/${ids.ana}`);
    expect(survivor.body).toMatchObject({
      firstName: 'Ana', lastName: 'Ruiz Gil', company: 'Reformas Ruiz SL', phone: '+34611222333',
      email: 'aruiz.obras@correo-accion.example', additionalEmails: ['ana.ruiz@reformas-accion.example'], deletedAt: null,
    });
    const gone = await a.req('GET', `/v1/contacts/${ids.anaDup}`);
    expect(gone.body.mergedIntoId).toBe(ids.ana);
    expect(gone.body.deletedAt).not.toBeNull();
    const found = await a.req('GET', '/v1/contacts?q=Ruiz');
    expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([ids.ana]);
    // The duplicate's note moved with it.
    await expect.poll(() => page.getByTestId('timeline').textContent(), P).toContain('Pidió presupuesto de cocina');

    // The absorbed contact's page says where it went, with no restore.
    await openContact(page, ids.anaDup!, 'Ana Ruiz');
    const banner = page.getByTestId('trash-banner');
    await expect.poll(() => banner.textContent(), P).toContain('se fusionó con otro');
    expect(await banner.getByRole('button', { name: 'Restaurar' }).count()).toBe(0);
    await banner.getByRole('link', { name: 'Abrir el contacto que se conservó' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ana Ruiz Gil' }).waitFor();
    await context.close();
  });

  it('keeps the duplicate instead when asked, with a value from this contact, and opens the survivor', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await openContact(page, ids.luis!, 'Luis Ortega');
    await action(page, 'Fusionar con un duplicado…');
    const dialog = page.getByRole('dialog', { name: 'Fusionar con un duplicado' });
    await dialog.getByLabel('Buscar el duplicado').fill('Vidal');
    await dialog.getByRole('button', { name: 'Elegir Luis Ortega Vidal' }).click();
    const compare = dialog.getByRole('table', { name: 'Comparación de los dos contactos' });
    await compare.getByRole('radio', { name: 'Conservar el duplicado' }).check();
    // Choosing the survivor makes its values the default for every choice.
    expect(await compare.getByRole('radio', { name: 'Empresa: Pinturas Ortega (El duplicado)' }).isChecked()).toBe(true);
    await compare.getByRole('radio', { name: 'Empresa: Ortega Pinturas (Este contacto)' }).check();
    await dialog.getByRole('button', { name: 'Fusionar', exact: true }).click();
    await page.waitForURL(`${base}/contacts/${ids.luisDup}`);
    await page.getByRole('heading', { level: 1, name: 'Luis Ortega Vidal' }).waitFor();

    const survivor = await a.req('GET', `/v1/contacts/${ids.luisDup}`);
    expect(survivor.body).toMatchObject({ lastName: 'Ortega Vidal', company: 'Ortega Pinturas', phone: '+34633444555', email: 'luis.vidal@pinturas-accion.example' });
    expect((await a.req('GET', `/v1/contacts/${ids.luis}`)).body.mergedIntoId).toBe(ids.luisDup);
    await context.close();
  });

  it('deletes a contact after a confirmation, shows it in the trash, and restores it', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await openContact(page, ids.bea!, 'Beatriz Soler');
    await action(page, 'Eliminar…');
    const dialog = page.getByRole('dialog', { name: '¿Eliminar este contacto?' });
    await dialog.getByRole('button', { name: 'Eliminar contacto' }).click();
    await dialog.waitFor({ state: 'detached' });
    const banner = page.getByTestId('trash-banner');
    await expect.poll(() => banner.textContent(), P).toContain('está en la papelera');
    expect(await page.getByRole('button', { name: 'Acciones del contacto' }).count()).toBe(0);
    expect((await a.req('GET', `/v1/contacts/${ids.bea}`)).body.deletedAt).not.toBeNull();
    expect((await a.req('GET', '/v1/contacts?q=Soler')).body.data).toEqual([]);

    await banner.getByRole('button', { name: 'Restaurar' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Acciones del contacto' }).waitFor();
    expect((await a.req('GET', `/v1/contacts/${ids.bea}`)).body.deletedAt).toBeNull();
    expect((await a.req('GET', '/v1/contacts?q=Soler')).body.data.map((c: { id: string }) => c.id)).toEqual([ids.bea]);
    await context.close();
  });

  it('withdraws a consent with its proof, and the history shows who, what and the proof', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await openContact(page, ids.carlos!, 'Carlos Peña');
    const section = page.getByTestId('consents-section');
    await expect.poll(() => section.locator('[data-consent="transactionalWhatsapp"]').textContent(), P).toContain('Concedido');
    await section.getByRole('button', { name: 'Cambiar WhatsApp transaccional' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cambiar «WhatsApp transaccional»' });
    expect(await dialog.getByRole('radio', { name: 'Retirado' }).isChecked()).toBe(true);
    // No proof, no change.
    await dialog.getByRole('button', { name: 'Guardar cambio' }).click();
    await dialog.getByText('Describe la prueba del cambio').waitFor();
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await dialog.getByRole('textbox', { name: 'Prueba' }).fill('Pidió en la llamada del martes no recibir más WhatsApp');
    await dialog.getByRole('button', { name: 'Guardar cambio' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => section.locator('[data-consent="transactionalWhatsapp"]').textContent(), P).toContain('Retirado');
    const history = page.getByTestId('consent-history');
    await expect.poll(() => history.textContent(), P).toContain('WhatsApp transaccional: Retirado');
    const line = await history.getByRole('listitem').first().textContent();
    expect(line).toContain('por Eva Martín');
    expect(line).toContain('vía Llamada');
    expect(line).toContain('Prueba: Pidió en la llamada del martes no recibir más WhatsApp');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);

    const recorded = await a.req('GET', `/v1/contacts/${ids.carlos}/consents`);
    expect(recorded.body.data[0]).toMatchObject({
      consent: 'transactionalWhatsapp', value: false, actorType: 'user', source: 'call', proof: { text: 'Pidió en la llamada del martes no recibir más WhatsApp' },
    });
    expect((await a.req('GET', `/v1/contacts/${ids.carlos}`)).body.consents.transactionalWhatsapp).toBe(false);
    await context.close();
  });

  it('ignores a contact after a confirmation, then stops ignoring it', async () => {
    const { context, page } = await openSignedIn(browser, base, eva);
    await openContact(page, ids.carlos!, 'Carlos Peña');
    const chips = page.getByTestId('status-chips');
    expect(await chips.textContent()).not.toContain('Ignorado');
    await action(page, 'Ignorar');
    const dialog = page.getByRole('dialog', { name: '¿Ignorar este contacto?' });
    await dialog.getByRole('button', { name: 'Ignorar contacto' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => chips.textContent(), P).toContain('Ignorado');
    expect((await a.req('GET', `/v1/contacts/${ids.carlos}`)).body.ignored).toBe(true);

    await action(page, 'Dejar de ignorar');
    await expect.poll(() => chips.textContent(), P).not.toContain('Ignorado');
    expect((await a.req('GET', `/v1/contacts/${ids.carlos}`)).body.ignored).toBe(false);
    await context.close();
  });
});
