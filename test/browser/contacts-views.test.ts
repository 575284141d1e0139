import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { jobHandlers } from '../../src/workers.ts';
import { BULK_TOPIC } from '../../src/bulk/bulk.service.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolationsOutsideShell, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The contacts table in Debian's Chromium against the real server and database: filters on a
 * field and a custom attribute kept in the URL (reload, Back), sortable columns and column choice,
 * a saved view saved, modified, discarded and reopened, bulk actions on a selection and on the
 * whole filter with their progress, the row edit with the API's field error, keyboard and axe.
 */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let eva: Person;
let bruno: Person;
const ids: Record<string, string> = {};

async function contact(body: object): Promise<string> {
  const r = await a.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Fincas Vistas' });
  eva = await userWithPassword(a, 'eva.vistas@fincas-vistas.example', 'Eva Martín');
  bruno = await userWithPassword(a, 'bruno.vistas@fincas-vistas.example', 'Bruno Díaz');
  const attr = await a.req('POST', '/v1/contact-attributes', {
    key: 'interes', label: 'Interés', type: 'single_select', options: [{ value: 'alto', label: 'Alto' }, { value: 'bajo', label: 'Bajo' }],
  });
  expect(attr.status, attr.text).toBe(201);
  ids.lucia = await contact({ firstName: 'Lucía', lastName: 'Núñez', company: 'Casas Norte', email: 'lucia@vistas.example', customAttributes: { interes: 'alto' } });
  ids.jorge = await contact({ firstName: 'Jorge', lastName: 'Gómez', company: 'Casas Norte', email: 'jorge@vistas.example', customAttributes: { interes: 'bajo' } });
  ids.marta = await contact({ firstName: 'Marta', lastName: 'Ibáñez', company: 'Ibáñez e Hijos', email: 'marta@vistas.example', customAttributes: { interes: 'alto' } });
  ids.pablo = await contact({ firstName: 'Pablo', lastName: 'Serrano', company: 'Casas Norte', email: 'pablo@vistas.example', customAttributes: { interes: 'alto' } });
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person) => openSignedIn(browser, base, who);

const table = (page: Page) => page.getByRole('table', { name: 'Contactos' });
const rowCount = (page: Page) => table(page).getByRole('row').count();
const chips = async (page: Page) => (await page.getByTestId('filter-chip').allTextContents()).map((s) => s.trim());
const names = async (page: Page) => (await table(page).locator('.row-link').allTextContents()).map((s) => s.trim());

async function addFilter(page: Page, field: string, value: { pick?: string; type?: string }, operator?: string): Promise<void> {
  await page.getByRole('button', { name: 'Filtros', exact: true }).click();
  const form = page.getByRole('form', { name: 'Añadir filtro' });
  await form.getByRole('combobox', { name: 'Campo' }).click();
  await form.getByRole('option', { name: field, exact: true }).click();
  if (operator) {
    await form.getByRole('combobox', { name: 'Condición' }).click();
    await form.getByRole('option', { name: operator, exact: true }).click();
  }
  if (value.pick) {
    await form.getByRole('combobox', { name: 'Valor' }).click();
    await form.getByRole('option', { name: value.pick, exact: true }).click();
  } else await form.getByRole('textbox', { name: 'Valor' }).fill(value.type ?? '');
  await form.getByRole('button', { name: 'Aplicar' }).click();
}

async function openFiltered(page: Page): Promise<void> {
  await page.goto(`${base}/contacts`);
  await expect.poll(() => rowCount(page), P).toBe(5);
  await addFilter(page, 'Interés', { pick: 'Alto' });
  await expect.poll(() => rowCount(page), P).toBe(4); // header + Lucía, Marta, Pablo
  await addFilter(page, 'Empresa', { type: 'norte' });
  await expect.poll(() => rowCount(page), P).toBe(3); // header + Lucía, Pablo
}

describe('contacts: filters, views, bulk actions, edit', { timeout: 90_000 }, () => {
  it('filters by an attribute and a field; the URL holds the filter through a reload, and Back undoes a filter', async () => {
    const { context, page } = await signedIn(eva);
    await openFiltered(page);
    expect(await chips(page)).toEqual(['Interés es Alto', 'Empresa contiene norte']);
    expect((await names(page)).sort()).toEqual(['Lucía Núñez', 'Pablo Serrano']);
    const url = new URL(page.url());
    expect(url.searchParams.get('f')).toBeTruthy();
    const tree = JSON.parse(Buffer.from(url.searchParams.get('f')!, 'base64url').toString('utf8'));
    expect(tree).toEqual({ and: [{ field: 'attributes.interes', op: 'eq', value: 'alto' }, { field: 'company', op: 'contains', value: 'norte' }] });
    await expect.poll(() => page.getByTestId('contact-count').textContent(), P).toBe('2 contactos');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/contacts-filtered.png` });

    await page.reload();
    await expect.poll(() => rowCount(page), P).toBe(3);
    expect(await chips(page)).toEqual(['Interés es Alto', 'Empresa contiene norte']);

    // Back undoes the last committed filter (pushState); Forward brings it back.
    await page.goBack();
    await expect.poll(() => chips(page), P).toEqual(['Interés es Alto']);
    await expect.poll(() => rowCount(page), P).toBe(4);
    await page.goForward();
    await expect.poll(() => rowCount(page), P).toBe(3);

    // Typing in the search box replaces the entry (replaceState): Back skips it, to the one-filter entry.
    await page.getByRole('searchbox', { name: 'Buscar contactos', exact: true }).fill('pablo');
    await expect.poll(() => rowCount(page), P).toBe(2);
    expect(new URL(page.url()).searchParams.get('q')).toBe('pablo');
    await page.goBack();
    await expect.poll(() => chips(page), P).toEqual(['Interés es Alto']);
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    await context.close();
  });

  it('sorts by a column (aria-sort, URL), chooses columns, and moves through rows from the keyboard', async () => {
    const { context, page } = await signedIn(eva);
    const search = (extra: (body: string) => boolean = () => true) => page.waitForResponse((r) => r.url().endsWith('/v1/contacts/search') && extra(r.request().postData() ?? ''), P);
    const firstPage = search();
    await page.goto(`${base}/contacts`);
    // Light pages: the row's own members and those of the shown columns, not whole contacts.
    const light = await firstPage;
    expect(JSON.parse(light.request().postData()!).fields).toEqual(['company', 'email', 'firstName', 'lastName', 'ownerId', 'pendingAttention', 'phone', 'stage', 'version', 'whatsappUserId']);
    expect(Object.keys((await light.json()).data[0])).toEqual(['id', 'firstName', 'lastName', 'email', 'phone', 'whatsappUserId', 'company', 'ownerId', 'stage', 'pendingAttention', 'version']);
    await expect.poll(() => rowCount(page), P).toBe(5);
    await page.getByRole('button', { name: 'Nombre' }).click();
    await page.waitForURL(/sort=lastName/);
    await expect.poll(() => names(page), P).toEqual(['Jorge Gómez', 'Marta Ibáñez', 'Lucía Núñez', 'Pablo Serrano']);
    expect(await page.getByRole('columnheader', { name: 'Nombre' }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Nombre' }).click();
    await page.waitForURL(/sort=-lastName/);
    await expect.poll(() => names(page), P).toEqual(['Pablo Serrano', 'Lucía Núñez', 'Marta Ibáñez', 'Jorge Gómez']);
    expect(await page.getByRole('columnheader', { name: 'Nombre' }).getAttribute('aria-sort')).toBe('descending');

    await page.getByRole('button', { name: 'Columnas' }).click();
    const withAttributes = search((body) => body.includes('customAttributes'));
    await page.getByRole('checkbox', { name: 'Interés' }).click();
    expect((await (await withAttributes).json()).data.map((c: { customAttributes: object }) => c.customAttributes)).toContainEqual({ interes: 'alto' });
    await page.waitForURL(/cols=[^&]*attributes\.interes/);
    await expect.poll(() => table(page).getByRole('columnheader', { name: 'Interés' }).count(), P).toBe(1);
    await page.keyboard.press('Escape');
    // The new column's values come with the next page (it asks for the attributes): poll for them.
    await expect.poll(async () => (await table(page).getByRole('row').nth(1).textContent()) ?? '', P).toContain('Alto');

    // Keyboard: ↓ moves to the next row's link, Space selects it, Enter opens it.
    await page.locator('#contact-link-0').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), P).toBe('contact-link-1');
    await page.keyboard.press(' ');
    await expect.poll(() => table(page).getByRole('row').nth(2).getAttribute('aria-selected'), P).toBe('true');
    await expect.poll(() => page.getByTestId('selection-count').textContent(), P).toBe('1 seleccionado');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/contacts/${ids.lucia}`));
    await context.close();
  });

  it('saves the filtered table as a view, shows it modified, discards, and reopens it from the picker and from a bare link', async () => {
    const { context, page } = await signedIn(eva);
    await openFiltered(page);
    await page.getByRole('button', { name: 'Guardar vista' }).click();
    const dialog = page.getByRole('dialog', { name: 'Guardar como nueva vista' });
    await dialog.getByLabel('Nombre de la vista').fill('Interés alto en Norte');
    await dialog.getByRole('button', { name: 'Guardar', exact: true }).click();
    await page.waitForURL(/view=/);
    const viewId = new URL(page.url()).searchParams.get('view')!;
    await expect.poll(() => page.getByTestId('view-picker').textContent(), P).toBe('Vista: Interés alto en Norte');
    expect(await page.getByTestId('view-modified').count()).toBe(0);

    // Remove a filter: the toolbar says so; Descartar brings the stored filter back.
    await page.getByRole('button', { name: 'Quitar filtro: Empresa contiene norte' }).click();
    await expect.poll(() => page.getByTestId('view-modified').textContent(), P).toContain('Vista modificada');
    await expect.poll(() => rowCount(page), P).toBe(4);
    await page.getByRole('button', { name: 'Descartar' }).click();
    await expect.poll(() => chips(page), P).toEqual(['Interés es Alto', 'Empresa contiene norte']);
    expect(await page.getByTestId('view-modified').count()).toBe(0);

    // Reopen from the picker on a clean table.
    await page.goto(`${base}/contacts`);
    await expect.poll(() => rowCount(page), P).toBe(5);
    await page.getByTestId('view-picker').click();
    await page.getByRole('menuitem', { name: 'Interés alto en Norte' }).click();
    await expect.poll(() => rowCount(page), P).toBe(3);
    expect(new URL(page.url()).searchParams.get('view')).toBe(viewId);
    expect(new URL(page.url()).searchParams.get('f')).toBeTruthy();

    // A bare `view=` link hydrates into the URL.
    await page.goto(`${base}/contacts?view=${viewId}`);
    await expect.poll(() => chips(page), P).toEqual(['Interés es Alto', 'Empresa contiene norte']);
    await expect.poll(() => rowCount(page), P).toBe(3);
    expect(new URL(page.url()).searchParams.get('f')).toBeTruthy();
    await context.close();
  });

  it('an edit with a bad email shows the API\'s error under the email field and keeps the typed value', async () => {
    const { context, page } = await signedIn(eva);
    await page.goto(`${base}/contacts`);
    await page.getByRole('button', { name: 'Editar a Jorge Gómez' }).click();
    const dialog = page.getByRole('dialog', { name: 'Editar a Jorge Gómez' });
    await dialog.getByLabel('Email').fill('esto no es un email');
    await dialog.getByRole('button', { name: 'Guardar', exact: true }).click();
    await expect.poll(() => dialog.getByLabel('Email').getAttribute('aria-invalid'), P).toBe('true');
    const describedBy = (await dialog.getByLabel('Email').getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`[id="${describedBy.split(' ').find((id) => id.includes('error'))}"]`).textContent();
    expect(errorText).toBe('No es un email válido');
    expect(await dialog.getByLabel('Email').inputValue()).toBe('esto no es un email');
    expect((await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.email).toBe('jorge@vistas.example');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);

    await dialog.getByLabel('Email').fill('jorge.gomez@vistas.example');
    await dialog.getByRole('button', { name: 'Guardar', exact: true }).click();
    await expect.poll(() => dialog.count(), P).toBe(0);
    expect((await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.email).toBe('jorge.gomez@vistas.example');
    await expect.poll(() => table(page).textContent(), P).toContain('jorge.gomez@vistas.example');
    await context.close();
  });

  it('assigns an owner to a selection: the confirmation names the count, progress runs to the result', async () => {
    const { context, page } = await signedIn(eva);
    await page.goto(`${base}/contacts`);
    await page.getByRole('checkbox', { name: 'Seleccionar a Lucía Núñez' }).click();
    await page.getByRole('checkbox', { name: 'Seleccionar a Jorge Gómez' }).click();
    await expect.poll(() => page.getByTestId('selection-count').textContent(), P).toBe('2 seleccionados');
    expect(await seriousViolationsOutsideShell(page)).toEqual([]);
    await page.getByRole('button', { name: 'Asignar propietario' }).click();
    const dialog = page.getByRole('dialog', { name: 'Asignar propietario' });
    await dialog.getByRole('combobox', { name: 'Propietario' }).click();
    await page.getByRole('option', { name: 'Bruno Díaz' }).click();
    expect(await dialog.getByTestId('bulk-confirm').textContent()).toBe('Se aplicará a los 2 contactos seleccionados.');
    await dialog.getByRole('button', { name: 'Aplicar a 2 contactos' }).click();
    await expect.poll(() => dialog.getByRole('progressbar', { name: 'Progreso de la acción' }).getAttribute('aria-valuenow'), P).toBe('100');
    expect(await dialog.getByTestId('bulk-progress').textContent()).toBe('2 de 2 contactos');
    expect(await dialog.getByTestId('bulk-result').textContent()).toBe('Hecho: 2 contactos cambiados.');
    await page.screenshot({ path: `${SHOTS}/contacts-bulk.png` });
    expect((await a.req('GET', `/v1/contacts/${ids.lucia}`)).body.ownerId).toBe(bruno.userId);
    expect((await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.ownerId).toBe(bruno.userId);
    expect((await a.req('GET', `/v1/contacts/${ids.marta}`)).body.ownerId).toBeNull();
    await dialog.getByRole('button', { name: 'Cerrar', exact: true }).last().click();
    await expect.poll(() => table(page).textContent(), P).toContain('Bruno Díaz');
    await context.close();
  });

  it('sets a custom attribute on a selection from "Más acciones"', async () => {
    const { context, page } = await signedIn(eva);
    await page.goto(`${base}/contacts`);
    await page.getByRole('checkbox', { name: 'Seleccionar a Jorge Gómez' }).click();
    await page.getByRole('button', { name: 'Más acciones' }).click();
    await page.getByRole('menuitem', { name: 'Editar atributo' }).click();
    const dialog = page.getByRole('dialog', { name: 'Editar atributo' });
    await dialog.getByRole('combobox', { name: 'Atributo' }).click();
    await page.getByRole('option', { name: 'Interés' }).click();
    await dialog.getByRole('combobox', { name: 'Valor' }).click();
    await page.getByRole('option', { name: 'Alto' }).click();
    expect(await dialog.getByTestId('bulk-confirm').textContent()).toBe('Se aplicará a 1 contacto seleccionado.');
    await dialog.getByRole('button', { name: 'Aplicar a 1 contacto' }).click();
    await expect.poll(() => dialog.getByTestId('bulk-result').textContent().catch(() => ''), P).toBe('Hecho: 1 contacto cambiado.');
    expect((await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.customAttributes).toEqual({ interes: 'alto' });
    // Back as it was, for the filter test below (three with interés alto).
    const back = await a.req('PATCH', `/v1/contacts/${ids.jorge}`, { customAttributes: { interes: 'bajo' } }, { 'if-match': `"${(await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.version}"` });
    expect(back.status, back.text).toBe(200);
    await context.close();
  });

  it('ignores every contact matching the filter: the action carries the filter, runs as a job, and the bar follows it to the end', async () => {
    const { context, page } = await signedIn(eva);
    await page.goto(`${base}/contacts`);
    await expect.poll(() => rowCount(page), P).toBe(5);
    await addFilter(page, 'Interés', { pick: 'Alto' });
    await expect.poll(() => rowCount(page), P).toBe(4);
    await page.getByRole('checkbox', { name: 'Seleccionar los contactos cargados' }).click();
    await page.getByRole('button', { name: 'Seleccionar los 3 que cumplen el filtro' }).click();
    await expect.poll(() => page.getByTestId('selection-count').textContent(), P).toBe('Los 3 contactos que cumplen el filtro');
    await page.getByRole('button', { name: 'Más acciones' }).click();
    await page.getByRole('menuitem', { name: 'Ignorar', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Ignorar' });
    expect(await dialog.getByTestId('bulk-confirm').textContent()).toBe('Se aplicará a los 3 contactos que cumplen: Interés es Alto.');
    await dialog.getByRole('button', { name: 'Aplicar a 3 contactos' }).click();
    await expect.poll(() => dialog.getByTestId('bulk-progress').textContent(), P).toMatch(/de \d contactos/);
    expect(await dialog.getByRole('button', { name: 'Cerrar', exact: true }).last().isDisabled()).toBe(true);

    // The test app runs no workers: the queued job runs here, as the worker would.
    const jobs = await t.database.raw(`SELECT id FROM bulk_jobs WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT 1`, [a.id]);
    const jobId = String(jobs.rows[0]!.id);
    await jobHandlers(t.deps)[BULK_TOPIC]!.run({ workspaceId: a.id, jobId }, { id: jobId, retryCount: 0, lastAttempt: false });
    await expect.poll(() => dialog.getByTestId('bulk-result').textContent().catch(() => ''), { timeout: 15_000 }).toBe('Hecho: 3 contactos cambiados.');
    expect(await dialog.getByTestId('bulk-progress').textContent()).toBe('3 de 3 contactos');
    for (const name of ['lucia', 'marta', 'pablo']) expect((await a.req('GET', `/v1/contacts/${ids[name]}`)).body.ignored).toBe(true);
    expect((await a.req('GET', `/v1/contacts/${ids.jorge}`)).body.ignored).toBe(false);
    await context.close();
  });
});
