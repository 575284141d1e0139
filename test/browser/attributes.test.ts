import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolationsOutsideShell, type Person } from './browser-helpers.ts';

/**
 * Contact attributes end to end in Debian's Chromium against the real server and database: an
 * owner defines a single-select "Interés" in Ajustes (the API's field error shown next to the
 * key first), two contacts get a value, the contacts table filters by it, and "Exportar"
 * downloads the CSV of that view with the session; then the label is edited, an option in use
 * removed (the count shown before values are cleared) and the attribute deleted. axe on the section.
 */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let owner: Person;
const ids: Record<string, string> = {};

/** An owner with a password, through the invite link the API gives. */
async function ownerWithPassword(ws: TestWorkspace, email: string, name: string): Promise<Person> {
  const user = await ws.req('POST', '/v1/users', { email, name, role: 'owner' });
  if (user.status !== 201) throw new Error(`create owner: ${user.status} ${user.text}`);
  const invite = await ws.req('POST', `/v1/users/${user.body.id}/invite`);
  const token = new URL(invite.body.inviteUrl as string).hash.replace('#token=', '');
  const password = 'molino tejado ciruela martes';
  const accepted = await ws.req('POST', '/v1/auth/accept-invite', { token, password });
  if (accepted.status !== 200) throw new Error(`accept invite: ${accepted.status} ${accepted.text}`);
  return { email, password, userId: user.body.id as string };
}

async function contact(body: object): Promise<string> {
  const r = await a.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Atributos Brisa' });
  owner = await ownerWithPassword(a, 'ines.atributos@brisa.example', 'Inés Atributos');
  ids.rocio = await contact({ firstName: 'Rocío', lastName: 'Quintana', email: 'rocio@brisa-atributos.example' });
  ids.tomas = await contact({ firstName: 'Tomás', lastName: 'Villar', email: 'tomas@brisa-atributos.example' });
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person) => openSignedIn(browser, base, who, { acceptDownloads: true });


const table = (page: Page) => page.getByRole('table', { name: 'Contactos' });
const names = async (page: Page) => (await table(page).locator('.row-link').allTextContents()).map((s) => s.trim());

describe('contact attributes: define in Ajustes, filter the table, export the view', { timeout: 90_000 }, () => {
  it('an owner defines a single-select "Interés" with options; a bad key shows the API error next to the field', async () => {
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/settings`);
    await page.getByRole('navigation', { name: 'Secciones de ajustes' }).getByRole('link', { name: 'Atributos de contacto' }).click();
    await page.waitForURL(`${base}/settings/attributes`);
    await expect.poll(() => page.getByText('Aún no hay atributos.').count(), P).toBe(1);

    await page.getByRole('button', { name: 'Nuevo atributo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nuevo atributo' });
    await dialog.getByRole('textbox', { name: 'Nombre', exact: true }).fill('Interés');
    // The key follows the name without accents; a hand-typed bad one is refused by the API.
    expect(await dialog.getByRole('textbox', { name: 'Clave' }).inputValue()).toBe('interes');
    await dialog.getByRole('textbox', { name: 'Clave' }).fill('1interes');
    await dialog.getByRole('combobox', { name: 'Tipo' }).click();
    await page.getByRole('option', { name: 'Selección única' }).click();
    await dialog.getByRole('button', { name: 'Añadir opción' }).click();
    await dialog.getByRole('textbox', { name: 'Nombre de la opción 1' }).fill('Alto');
    await dialog.getByRole('button', { name: 'Añadir opción' }).click();
    await dialog.getByRole('textbox', { name: 'Nombre de la opción 2' }).fill('Bajo');
    expect(await dialog.getByRole('textbox', { name: 'Valor de la opción 2' }).inputValue()).toBe('bajo');
    await dialog.getByRole('button', { name: 'Crear atributo' }).click();
    const keyField = dialog.getByRole('textbox', { name: 'Clave' });
    await expect.poll(() => keyField.getAttribute('aria-invalid'), P).toBe('true');
    await expect.poll(() => dialog.getByText('Empieza por una letra minúscula y usa solo a-z, 0-9 y _').count(), P).toBe(1);
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);

    await keyField.fill('interes');
    await dialog.getByRole('button', { name: 'Crear atributo' }).click();
    await expect.poll(() => dialog.count(), P).toBe(0);
    const row = page.getByTestId('attribute-row');
    await expect.poll(() => row.count(), P).toBe(1);
    expect(await row.textContent()).toContain('Selección única');
    expect(await row.textContent()).toContain('Alto, Bajo');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/settings-attributes.png` });

    const stored = await a.req('GET', '/v1/contact-attributes');
    expect(stored.body.data).toMatchObject([{ key: 'interes', label: 'Interés', type: 'single_select', options: [{ value: 'alto', label: 'Alto' }, { value: 'bajo', label: 'Bajo' }] }]);
    await context.close();
  });

  it('filters the contacts table by the attribute and exports that view: the CSV holds only the matching contact', async () => {
    for (const [id, interes] of [[ids.rocio, 'alto'], [ids.tomas, 'bajo']] as const) {
      const r = await a.req('PATCH', `/v1/contacts/${id}`, { customAttributes: { interes } });
      expect(r.status, r.text).toBe(200);
    }
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/contacts`);
    await expect.poll(() => names(page), P).toHaveLength(2);

    await page.getByRole('button', { name: 'Filtros', exact: true }).click();
    const form = page.getByRole('form', { name: 'Añadir filtro' });
    await form.getByRole('combobox', { name: 'Campo' }).click();
    await form.getByRole('option', { name: 'Interés', exact: true }).click();
    await form.getByRole('combobox', { name: 'Valor' }).click();
    await form.getByRole('option', { name: 'Alto', exact: true }).click();
    await form.getByRole('button', { name: 'Aplicar' }).click();
    await expect.poll(() => names(page), P).toEqual(['Rocío Quintana']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2); // header + Rocío
    expect(csv).toContain('rocio@brisa-atributos.example');
    expect(csv).not.toContain('tomas@brisa-atributos.example');
    expect(lines[0]).toContain('attr.interes');
    expect(lines[1]).toContain('alto');
    await context.close();
  });

  it('edits the label and removes an option in use (the count first, then values cleared), then deletes the attribute', async () => {
    const { context, page } = await signedIn(owner);
    await page.goto(`${base}/settings/attributes`);
    await page.getByRole('button', { name: 'Editar el atributo Interés' }).click();
    const dialog = page.getByRole('dialog', { name: 'Editar «Interés»' });
    await dialog.getByRole('textbox', { name: 'Nombre', exact: true }).fill('Interés comercial');
    expect(await dialog.getByRole('textbox', { name: 'Clave' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Quitar la opción 1' }).click();
    await dialog.getByRole('button', { name: 'Guardar cambios' }).click();
    // Rocío holds "alto": the API refuses with the count, and nothing changed yet.
    await expect.poll(() => dialog.getByText('1 contacto tiene una opción que quitas. Si guardas, se le vacía ese valor.').count(), P).toBe(1);
    expect((await a.req('GET', '/v1/contact-attributes')).body.data[0].label).toBe('Interés');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Guardar y vaciar los valores' }).click();
    await expect.poll(() => dialog.count(), P).toBe(0);
    const row = page.getByTestId('attribute-row');
    await expect.poll(() => row.textContent(), P).toContain('Interés comercial');
    expect(await row.textContent()).not.toContain('Alto');
    expect((await a.req('GET', `/v1/contacts/${ids.rocio}`)).body.customAttributes).toEqual({});
    expect((await a.req('GET', `/v1/contacts/${ids.tomas}`)).body.customAttributes).toEqual({ interes: 'bajo' });

    await page.getByRole('button', { name: 'Eliminar el atributo Interés comercial' }).click();
    const confirm = page.getByRole('dialog', { name: '¿Eliminar «Interés comercial»?' });
    await confirm.getByRole('button', { name: 'Eliminar', exact: true }).click();
    await expect.poll(() => confirm.getByText('1 contacto tiene un valor en este atributo. Si lo eliminas, ese valor se pierde.').count(), P).toBe(1);
    await confirm.getByRole('button', { name: 'Eliminar y vaciar los valores' }).click();
    await expect.poll(() => page.getByText('Aún no hay atributos.').count(), P).toBe(1);
    expect((await a.req('GET', '/v1/contact-attributes')).body.data).toEqual([]);
    expect((await a.req('GET', `/v1/contacts/${ids.tomas}`)).body.customAttributes).toEqual({});
    await context.close();
  });
});
