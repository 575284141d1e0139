/**
 * Measures a CSV import end to end through the app's own path (upload stream → draft → job run
 * in batches with checkpoints → writeBatch): rows/s and peak RSS.
 *   DATABASE_URL=postgres://… node --import tsx [--expose-gc] src/imports/bench-import.ts [rows]
 * Uses a fresh workspace; the file is generated on the fly into the data folder.
 *
 * On PostgreSQL it first measures the ceiling in the same run (B1's "≥ 0.5× raw COPY"): the same
 * rows, already normalised (E.164 phones, folded emails), COPYed by psql into the same `contacts`
 * table in a transaction that is rolled back, then VACUUM — the table's indexes and triggers as
 * the import meets them, none of the app's other writes (identifiers, consents, events, outbox).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { makeDeps, openAndMigrate } from '../deps.ts';
import type { Actor } from '../lib/actor.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import { makeImportsService } from './imports.service.ts';

const rows = Number(process.argv[2] ?? 200_000);
const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-bench-import-'));
const config = { ...loadConfig(), dataDir };
const database = await openAndMigrate(config);
const deps = await makeDeps(config, database);
const { workspace } = await deps.services.workspaces.create({ name: 'Import bench', defaultCountry: 'ES' });
const actor: Actor = { workspaceId: workspace.id, role: 'owner', userId: null, type: 'cli', principalId: workspace.id };
// BENCH_STAGES=1: a sixth column, "Etapa", names a stage of the workspace's playbook on 70% of rows
// (a file exported from another CRM carries its stage).
const staged = process.env.BENCH_STAGES === '1';
const stageNames = ['Nuevo', 'Contactado', 'Cualificado', 'Propuesta', 'Ganado', 'Perdido'];
if (staged) await inWorkspace(workspace.id, () => deps.services.playbooks.create(actor, { name: 'Ventas', stages: stageNames.map((name) => ({ name, kind: 'open' as const })) }));
const stageCell = (i: number) => (staged ? `;${i % 10 < 7 ? stageNames[i % 6] : ''}` : '');
const file = join(dataDir, 'bench.csv');
const tag = Date.now().toString(36);
// Written 10,000 rows at a time, so the baseline is not inflated by the whole file as a string.
writeFileSync(file, `Nombre;Apellidos;Correo electrónico;Teléfono;Empresa${staged ? ';Etapa' : ''}\n`);
for (let start = 1; start <= rows; start += 10_000) {
  let text = '';
  for (let i = start; i < start + 10_000 && i <= rows; i++) text += `Nombre${i};García López${i};b${tag}-${i}@example.com;6${String(i).padStart(8, '0')};Empresa ${i % 1000}${stageCell(i)}\n`;
  appendFileSync(file, text);
}
/** rows/s of psql's COPY of the same rows, normalised, into `contacts`, rolled back (PostgreSQL only). */
function rawCopyRate(): number | null {
  const url = process.env.DATABASE_URL;
  if (!url) return null;
  const copyFile = join(dataDir, 'normalised.csv');
  const now = new Date().toISOString();
  writeFileSync(copyFile, '');
  for (let start = 1; start <= rows; start += 10_000) {
    let text = '';
    for (let i = start; i < start + 10_000 && i <= rows; i++)
      text += `${workspace.id},${uuidv7()},Nombre${i},García López${i},b${tag}-${i}@example.com,+346${String(i).padStart(8, '0')},Empresa ${i % 1000},csv,${now},${now}\n`;
    appendFileSync(copyFile, text);
  }
  const script = `BEGIN;\n\\copy contacts (workspace_id, id, first_name, last_name, email, phone, company, source, created_at, updated_at) FROM '${copyFile}' WITH (FORMAT csv)\nROLLBACK;\n`;
  const t = performance.now();
  const psql = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url], { input: script, encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (psql.status !== 0) throw new Error(`raw COPY failed: ${psql.stderr}`);
  // The rolled-back rows' index entries are dead weight the import should not meet.
  spawnSync('psql', ['-X', '-q', '-c', 'VACUUM contacts', url], { encoding: 'utf8' });
  return Math.round(rows / seconds);
}
const rawCopyRowsPerSecond = database.kind === 'postgres' && process.env.BENCH_RAW_COPY !== '0' ? rawCopyRate() : null;
const imports = makeImportsService(deps);
let peak = 0;
// With --expose-gc: the live heap after a full collection, at the start and every 5 s (memory
// held, not garbage not yet collected), to tell growth from retention.
const gc = (globalThis as { gc?: () => void }).gc;
const liveHeap = () => (gc ? (gc(), process.memoryUsage().heapUsed) : 0);
const heapStart = liveHeap();
let heapPeak = heapStart;
let ticks = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
  if (gc && ++ticks % 20 === 0) heapPeak = Math.max(heapPeak, liveHeap());
}, 250);
const baseline = process.memoryUsage().rss;
const t0 = performance.now();
await inWorkspace(workspace.id, async () => {
  const saved = await imports.saveUpload(workspace.id, createReadStream(file));
  const imp = await imports.create(actor, { fileName: 'bench.csv', ...saved }, {});
  await imports.start(actor, imp.id);
  const t1 = performance.now();
  await imports.run(workspace.id, imp.id);
  const t2 = performance.now();
  const done = await imports.get(actor, imp.id);
  clearInterval(sampler);
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  console.log(JSON.stringify({
    backend: database.kind, rows, staged, status: done.status, counts: done.counts,
    uploadAndDraftSeconds: Math.round((t1 - t0) / 100) / 10, runSeconds: Math.round((t2 - t1) / 100) / 10,
    rowsPerSecond: Math.round(rows / ((t2 - t1) / 1000)),
    endToEndRowsPerSecond: Math.round(rows / ((t2 - t0) / 1000)),
    rawCopyRowsPerSecond,
    ratioToRawCopy: rawCopyRowsPerSecond ? Math.round((rows / ((t2 - t0) / 1000) / rawCopyRowsPerSecond) * 100) / 100 : null,
    baselineRssMb: mb(baseline), peakRssMb: mb(peak),
    ...(gc ? { liveHeapStartMb: mb(heapStart), liveHeapPeakMb: mb(heapPeak), liveHeapEndMb: mb(liveHeap()) } : {}),
  }));
});
await database.close();
rmSync(dataDir, { recursive: true, force: true });
