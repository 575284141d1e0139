import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApp, TestWorkspace } from '../harness.ts';
import { closeBrowserWorld, startBrowserWorld, SHOTS, openSignedIn, seriousViolations, userWithPassword, type Person } from './browser-helpers.ts';

/**
 * The playbook board in Debian's Chromium against the real server and database: columns with the
 * server's counts and stale markers, a card dragged with the mouse, "Mover a…" from the keyboard,
 * a failed move rolled back with a message, and axe.
 */
const P = { timeout: 10_000 };

let t: TestApp;
let base: string;
let browser: Browser;
let a: TestWorkspace;
let ana: Person;
let playbookId: string;
const stage: Record<string, string> = {};
const ids: Record<string, string> = {};

async function contact(body: object): Promise<string> {
  const r = await a.req('POST', '/v1/contacts', body);
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body.id as string;
}
async function putInStage(id: string, stageId: string): Promise<void> {
  const r = await a.req('PUT', `/v1/contacts/${id}/stage`, { playbookId, stageId });
  if (r.status !== 200) throw new Error(`${r.status} ${r.text}`);
}
const stageOf = async (id: string): Promise<string | undefined> => (await a.req('GET', `/v1/contacts/${id}`)).body.stage?.id;

beforeAll(async () => {
  ({ t, base, browser } = await startBrowserWorld());
  a = await t.workspace({ name: 'Inmobiliaria Sol' });
  ana = await userWithPassword(a, 'ana.board@sol.example', 'Ana Ruiz');
  const pb = await a.req('POST', '/v1/playbooks', {
    name: 'Venta de pisos',
    stages: [{ name: 'Nuevo' }, { name: 'Contactado', staleAfterDays: 7 }, { name: 'Visita' }, { name: 'Propuesta' }],
  });
  expect(pb.status, pb.text).toBe(201);
  playbookId = pb.body.id;
  for (const s of pb.body.stages as { id: string; name: string }[]) stage[s.name] = s.id;
  ids.lucia = await contact({ firstName: 'Lucía', lastName: 'Núñez Pérez', company: 'Casas Norte', email: 'lucia@norte.example' });
  ids.jorge = await contact({ firstName: 'Jorge', lastName: 'Gómez', email: 'jorge@example.es' });
  ids.marta = await contact({ firstName: 'Marta', lastName: 'Ibáñez', company: 'Ibáñez e Hijos', email: 'marta@example.es' });
  ids.pablo = await contact({ firstName: 'Pablo', lastName: 'Serrano', email: 'pablo@example.es' });
  await putInStage(ids.lucia, stage.Nuevo!);
  await putInStage(ids.jorge, stage.Nuevo!);
  await putInStage(ids.marta, stage.Contactado!);
  await putInStage(ids.pablo, stage.Contactado!);
  // Marta has waited in "Contactado" for 20 days, past its 7-day limit: stale.
  await t.database.raw(`UPDATE contacts SET stage_entered_at = now() - interval '20 days' WHERE id = $1`, [ids.marta]);
}, 120_000);

afterAll(() => closeBrowserWorld(browser, t), 120_000);

const signedIn = (who: Person) => openSignedIn(browser, base, who);

const column = (page: Page, stageId: string) => page.locator(`[data-testid="board-column"][data-stage-id="${stageId}"]`);
const countOf = async (page: Page, stageId: string) => ((await column(page, stageId).getByTestId('column-count').textContent()) ?? '').trim();
const card = (page: Page, contactId: string) => page.locator(`[data-testid="board-card"][data-contact-id="${contactId}"]`);

describe('playbook board', { timeout: 60_000 }, () => {
  it('the nav opens the first playbook: columns with counts, cards with company and time in stage, the stale marker', async () => {
    const { context, page } = await signedIn(ana);
    await page.getByRole('link', { name: 'Playbooks' }).click();
    await page.waitForURL(`${base}/playbooks/${playbookId}/board`);
    await page.getByRole('heading', { name: 'Venta de pisos', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('board-column').count(), P).toBe(4);
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Nuevo', 'Contactado', 'Visita', 'Propuesta']);
    expect(await countOf(page, stage.Nuevo!)).toBe('2');
    expect(await countOf(page, stage.Contactado!)).toBe('2');
    expect(await countOf(page, stage.Visita!)).toBe('0');
    await expect.poll(() => column(page, stage.Visita!).textContent(), P).toContain('Sin contactos');
    const lucia = card(page, ids.lucia!);
    expect(await lucia.textContent()).toContain('Lucía Núñez Pérez');
    expect(await lucia.textContent()).toContain('Casas Norte');
    expect(await lucia.textContent()).toMatch(/\d+ (s|min) en etapa/);
    // The stale marker: Marta's card and the column's stale count; nobody else is stale.
    expect(await card(page, ids.marta!).textContent()).toContain('Estancado');
    expect(await card(page, ids.marta!).textContent()).toContain('20 d en etapa');
    expect(await column(page, stage.Contactado!).getByTestId('stale-count').textContent()).toBe('1 estancado');
    expect(await card(page, ids.pablo!).textContent()).not.toContain('Estancado');
    expect(await page.getByTestId('stale-count').count()).toBe(1);

    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/board.png`, fullPage: true });
    await context.close();
  });

  it('drags a card with the mouse to another column: counts change and the API agrees', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/playbooks/${playbookId}/board`);
    const lucia = card(page, ids.lucia!);
    await lucia.waitFor();
    const from = (await lucia.boundingBox())!;
    const to = (await column(page, stage.Visita!).boundingBox())!;
    await page.mouse.move(from.x + 40, from.y + from.height - 10);
    await page.mouse.down();
    // Past the 6 px activation distance, then over the target column, in steps as a hand would.
    await page.mouse.move(from.x + 60, from.y + from.height, { steps: 5 });
    await page.mouse.move(to.x + to.width / 2, to.y + 80, { steps: 15 });
    await page.mouse.up();

    await expect.poll(() => countOf(page, stage.Visita!), P).toBe('1');
    expect(await countOf(page, stage.Nuevo!)).toBe('1');
    await column(page, stage.Visita!).locator(`[data-contact-id="${ids.lucia}"]`).waitFor();
    expect(await page.getByTestId('board-live').textContent()).toBe('Lucía Núñez Pérez: de Nuevo a Visita');
    await expect.poll(() => stageOf(ids.lucia!), P).toBe(stage.Visita);
    const board = await a.req('GET', `/v1/playbooks/${playbookId}/board`);
    const counts = Object.fromEntries((board.body.columns as { stage: { name: string }; count: number }[]).map((c) => [c.stage.name, c.count]));
    expect(counts).toEqual({ Nuevo: 1, Contactado: 2, Visita: 1, Propuesta: 0 });
    // A reload shows what the server holds.
    await page.reload();
    await expect.poll(() => countOf(page, stage.Visita!), P).toBe('1');
    await context.close();
  });

  it('moves by keyboard with "Mover a…", and a move the server refuses goes back with a message', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/playbooks/${playbookId}/board`);
    await card(page, ids.jorge!).waitFor();

    // Keyboard only: focus the card's menu button, open it, pick "Propuesta".
    await page.getByRole('button', { name: 'Mover a Jorge Gómez a…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Propuesta' }).waitFor();
    await page.keyboard.press('ArrowDown');
    const focused = async () => page.evaluate(() => document.activeElement?.textContent ?? '');
    while (!(await focused()).includes('Propuesta')) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => stageOf(ids.jorge!), P).toBe(stage.Propuesta);
    await expect.poll(() => countOf(page, stage.Propuesta!), P).toBe('1');
    expect(await countOf(page, stage.Nuevo!)).toBe('0');

    // Someone else changes Pablo after the board loaded: the board's If-Match is stale → 412.
    const changed = await a.req('PATCH', `/v1/contacts/${ids.pablo}`, { company: 'Otra empresa' });
    expect(changed.status, changed.text).toBe(200);
    await page.getByRole('button', { name: 'Mover a Pablo Serrano a…' }).click();
    await page.getByRole('menuitem', { name: 'Visita' }).click();
    await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '', P).toBe('No se pudo mover a Pablo Serrano: alguien cambió el contacto hace un momento. Ha vuelto a su etapa.');
    // Rolled back on screen, and the server never moved him.
    await expect.poll(() => column(page, stage.Contactado!).locator(`[data-contact-id="${ids.pablo}"]`).count(), P).toBe(1);
    await expect.poll(() => countOf(page, stage.Visita!), P).toBe('1');
    expect(await stageOf(ids.pablo!)).toBe(stage.Contactado);
    await context.close();
  });

  it('moves with the keyboard on the drag handle: Space picks up, → chooses the column, Space drops', async () => {
    const { context, page } = await signedIn(ana);
    await page.goto(`${base}/playbooks/${playbookId}/board`);
    const handle = page.getByRole('button', { name: 'Arrastrar a Marta Ibáñez' });
    await handle.focus();
    // dnd-kit's own polite live region says where the card is, in Spanish.
    const said = async () => (await page.locator('[id^="DndLiveRegion"]').textContent()) ?? '';
    await page.keyboard.press('Space');
    await expect.poll(said, P).toBe('Sobre Contactado'); // picked up ("Has cogido a…"), over her own column
    await page.keyboard.press('ArrowRight');
    await expect.poll(said, P).toBe('Sobre Visita');
    await page.keyboard.press('ArrowRight');
    await expect.poll(said, P).toBe('Sobre Propuesta');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(said, P).toBe('Sobre Visita');
    await page.keyboard.press('Space');
    await expect.poll(() => stageOf(ids.marta!), P).toBe(stage.Visita);
    await expect.poll(() => countOf(page, stage.Visita!), P).toBe('2');
    expect(await countOf(page, stage.Contactado!)).toBe('1');
    // She left the stale stage: its stale marker is gone.
    await expect.poll(() => page.getByTestId('stale-count').count(), P).toBe(0);
    expect(await page.getByTestId('board-live').textContent()).toBe('Marta Ibáñez: de Contactado a Visita');
    await context.close();
  });
});
