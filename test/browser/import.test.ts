import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeImportsService } from '../../src/imports/imports.service.ts';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The import wizard in Debian's Chromium against the real server and database: upload a Spanish
 * Excel CSV with one bad row, see how it reads and maps, dry-run counts, start, progress to the
 * end, download the errors, undo the import; axe on each step.
 */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let ana: Person;
let existingId: string;

/** What Spanish Excel writes: Windows-1252, `;`, CRLF; one row with a broken email, one matching a contact. */
const CSV = iconv.encode(
  [
    'Nombre;Apellidos;Correo electrónico;Empresa',
    'Lucía;García López;lucia@importada.example;Acme Iberia',
    'José María;Fernández Núñez;jm@importada.example;Núñez y Cía',
    'Malo;Peña;esto-no-es-un-email;Sin Empresa',
    'Existente;Ibáñez;existente@importada.example;Nueva Empresa',
  ].join('\r\n') + '\r\n',
  'windows-1252',
);

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Inmobiliaria Sol' });
  ana = await userWithPassword(a, 'ana.import@sol.example', 'Ana Ruiz');
  const existing = await a.req('POST', '/v1/contacts', { firstName: 'Existente', lastName: 'Ibáñez', email: 'existente@importada.example', company: 'Vieja Empresa' });
  expect(existing.status, existing.text).toBe(201);
  existingId = existing.body.id;
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person) => openSignedIn(browser, base, who, { viewport: { width: 1280, height: 1000 } });

const countIn = async (page: Page, testId: string, key: string) =>
  ((await page.getByTestId(testId).locator(`[data-count="${key}"] p`).last().textContent()) ?? '').trim();
const live = async (email: string) => (await a.req('GET', `/v1/contacts?email=${encodeURIComponent(email)}`)).body.data as { id: string; company: string | null }[];

describe('import wizard', { timeout: 90_000 }, () => {
  it('uploads, maps, dry-runs, imports with progress, serves the bad row, and undoes the import', async () => {
    const { context, page } = await signedIn(ana);
    await page.getByRole('link', { name: 'Importar' }).click();
    await page.waitForURL(`${base}/import`);
    await page.getByRole('heading', { name: 'Importar contactos', level: 1 }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // 1. Archivo
    await page.getByLabel('Archivo CSV').setInputFiles({ name: 'clientes.csv', mimeType: 'text/csv', buffer: CSV });
    await page.getByRole('button', { name: 'Subir archivo' }).click();
    await page.waitForURL(/\/import\?id=[0-9a-f-]{36}$/);
    const importId = new URL(page.url()).searchParams.get('id')!;
    await expect.poll(async () => (await page.getByTestId('file-reading').textContent()) ?? '', P).toBe('Codificación WINDOWS-1252 · separador «;» · 4 columnas');

    // 2. Mapeo: headers matched in Spanish, first values shown; a change goes to the server.
    const mapping = page.getByTestId('mapping');
    expect(await mapping.locator('tbody th').allTextContents()).toEqual(['Nombre', 'Apellidos', 'Correo electrónico', 'Empresa']);
    expect(await page.getByLabel('Importar la columna Correo electrónico como').inputValue()).toBe('field:email');
    expect(await page.getByLabel('Importar la columna Nombre como').inputValue()).toBe('field:firstName');
    expect(await mapping.textContent()).toContain('Lucía · José María · Malo');
    await page.getByLabel('Importar la columna Empresa como').selectOption({ label: 'No importar' });
    await expect.poll(async () => (await a.req('GET', `/v1/imports/${importId}`)).body.mapping[3], P).toEqual({ kind: 'ignore' });
    await page.getByLabel('Importar la columna Empresa como').selectOption({ label: 'Empresa' });
    await expect.poll(async () => (await a.req('GET', `/v1/imports/${importId}`)).body.mapping[3], P).toEqual({ kind: 'field', field: 'company' });

    // 3. Simulación: nothing written, the counts shown.
    await page.getByRole('button', { name: 'Simular importación' }).click();
    await page.getByTestId('dry-run-counts').waitFor();
    expect(await countIn(page, 'dry-run-counts', 'created')).toBe('2');
    expect(await countIn(page, 'dry-run-counts', 'updated')).toBe('1');
    expect(await countIn(page, 'dry-run-counts', 'unchanged')).toBe('0');
    expect(await countIn(page, 'dry-run-counts', 'failed')).toBe('1');
    expect(await countIn(page, 'dry-run-counts', 'conflict')).toBe('0');
    expect(await page.getByTestId('dry-run-problems').textContent()).toContain('Correo electrónico');
    expect(await live('lucia@importada.example')).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/import.png`, fullPage: true });

    // 4. Importar: queued; the job (the test app runs no workers) runs here; the bar polls to the end.
    await page.getByRole('button', { name: 'Importar ahora' }).click();
    await page.getByTestId('import-progress').waitFor();
    expect((await a.req('GET', `/v1/imports/${importId}`)).body.status).toBe('queued');
    await makeImportsService(t.deps).run(a.id, importId);
    await page.getByRole('heading', { name: 'Importación terminada' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => page.getByRole('progressbar', { name: 'Progreso de la importación' }).getAttribute('aria-valuenow'), P).toBe('100');
    expect(await page.getByTestId('progress-text').textContent()).toBe('4 de 4 filas');
    expect(await countIn(page, 'import-counts', 'created')).toBe('2');
    expect(await countIn(page, 'import-counts', 'updated')).toBe('1');
    expect(await countIn(page, 'import-counts', 'failed')).toBe('1');
    const created = [...(await live('lucia@importada.example')), ...(await live('jm@importada.example'))];
    expect(created).toHaveLength(2);
    expect((await a.req('GET', `/v1/contacts/${existingId}`)).body.company).toBe('Nueva Empresa');

    // Descargar errores: the bad row, with the session cookie.
    const href = await page.getByRole('link', { name: 'Descargar errores' }).getAttribute('href');
    expect(href).toBe(`/v1/imports/${importId}/errors.csv`);
    const errors = await context.request.get(`${base}${href}`);
    expect(errors.status()).toBe(200);
    const csv = await errors.text();
    expect(csv).toContain('esto-no-es-un-email');
    expect(csv).not.toContain('lucia@importada.example');
    expect(await seriousViolations(page)).toEqual([]);

    // Deshacer importación: previews what it does, then created contacts go, the updated one is restored.
    await page.getByRole('button', { name: 'Deshacer importación' }).click();
    await expect.poll(() => page.getByText(/Se enviarán a la papelera los 2 contactos creados/).count(), P).toBe(1);
    await page.getByRole('button', { name: 'Sí, deshacer' }).click();
    await expect.poll(async () => (await page.getByTestId('rollback-result').textContent()) ?? '', P).toContain('2 contactos a la papelera, 1 restaurados');
    expect(await live('lucia@importada.example')).toEqual([]);
    expect(await live('jm@importada.example')).toEqual([]);
    for (const c of created) expect((await a.req('GET', `/v1/contacts/${c.id}`)).body.deletedAt).not.toBeNull(); // in the trash
    expect((await a.req('GET', `/v1/contacts/${existingId}`)).body.company).toBe('Vieja Empresa');
    expect((await a.req('GET', `/v1/imports/${importId}`)).body.status).toBe('rolled_back');
    await page.getByRole('heading', { name: 'Importación deshecha' }).waitFor();
    await context.close();
  });

  it('a file the server cannot take shows its reason and changes nothing', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/import`);
    const before = (await a.req('GET', '/v1/imports')).body.data.length;
    await page.getByLabel('Archivo CSV').setInputFiles({ name: 'vacio.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await page.getByRole('button', { name: 'Subir archivo' }).click();
    await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '', P).toMatch(/^No se pudo completar: .+ \([a-z_]+\)$/);
    expect(page.url()).toBe(`${base}/import`);
    expect((await a.req('GET', '/v1/imports')).body.data.length).toBe(before);
    await context.close();
  });
});
