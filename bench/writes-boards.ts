import type { Deps } from '../src/deps.ts';
import { prng, phoneOf, typedPhone, FIRST, SURNAMES } from './generate.ts';
import type { Client } from './http.ts';
import type { World } from './load.ts';
import { timeMany, type Row } from './measure.ts';

/**
 * B5: contacts created through the API (validation, phone parsing, identifiers, consent records,
 * events, outbox) with 8 requests in flight, against a bare loop of single-row INSERTs of the
 * same contacts into the same table (same indexes and trigger) on one connection.
 */
export async function benchCreate(deps: Deps, w: World, api: Client, n: number, log: (s: string) => void): Promise<Row[]> {
  const r = prng(7);
  const bodies = Array.from({ length: n }, (_, i) => {
    const phone = phoneOf(r, r.pick(['ES', 'MX', 'AR', 'CO', 'BR'] as const));
    return { firstName: r.pick(FIRST), lastName: `${r.pick(SURNAMES)} ${r.pick(SURNAMES)}`, email: `b5.${i}.${r.int(1e9)}@bench.example`, phone: typedPhone(r, phone).startsWith('00') || phone.startsWith('+34') ? typedPhone(r, phone) : phone, company: 'Bench SA', source: 'api' };
  });
  let next = 0;
  const t0 = performance.now();
  const failures: string[] = [];
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < bodies.length) {
      const b = bodies[next++]!;
      await api('POST', '/v1/contacts', b).catch((e: Error) => failures.push(e.message));
    }
  }));
  const apiRate = n / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    await deps.database.raw(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, phone, company, source, created_at, updated_at) VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, $6, 'api', now(), now())`,
      [w.workspaceId, bodies[i]!.firstName, bodies[i]!.lastName, `bare.${bodies[i]!.email}`, null, 'Bench SA'],
    );
  }
  const bareRate = n / ((performance.now() - t1) / 1000);
  log(`  B5 API ${apiRate.toFixed(0)}/s, bare insert loop ${bareRate.toFixed(0)}/s, ${failures.length} failures ${failures[0] ?? ''}`);
  return [{ id: 'B5', case: `create contact via API (${n}, 8 in flight)`, value: `${apiRate.toFixed(0)} /s`, limitName: 'bare INSERT loop /s', limitP95: bareRate, ratio: apiRate / bareRate, target: '≥ 3,000/s; ≥ 0.5× bare loop', ok: apiRate >= 3000 && apiRate / bareRate >= 0.5, note: failures.length ? `${failures.length} failed` : undefined }];
}

/** B6: the attention queue (longest waiting first) and the playbook board counts. */
export async function benchBoards(w: World, api: Client, routes: string[], n: number, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const cases: [string, string, boolean][] = [
    ['attention queue, first page', '/v1/attention-queue?limit=50', routes.includes('/v1/attention-queue')],
    ['attention queue, one owner', `/v1/attention-queue?limit=50&ownerId=${w.owners[2]}`, routes.includes('/v1/attention-queue')],
    ['playbook board (counts + first page per stage)', `/v1/playbooks/${w.playbookId}/board`, routes.includes('/v1/playbooks/:id/board')],
  ];
  for (const [label, path, available] of cases) {
    if (!available) {
      rows.push({ id: 'B6', case: label, value: 'n/a', target: 'p95 ≤ 15', note: 'endpoint not in this build' });
      continue;
    }
    try {
      const s = await timeMany(n, 5, () => api('GET', path));
      rows.push({ id: 'B6', case: label, value: `p50 ${s.p50.toFixed(2)} ms`, p95: s.p95, p99: s.p99, target: 'p95 ≤ 15', ok: s.p95 <= 15 });
      log(`  B6 ${label}: p95 ${s.p95.toFixed(2)} ms`);
    } catch (err) {
      rows.push({ id: 'B6', case: label, value: 'error', target: 'p95 ≤ 15', note: String((err as Error).message).slice(0, 120) });
    }
  }
  return rows;
}
