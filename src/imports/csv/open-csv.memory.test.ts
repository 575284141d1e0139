import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openCsv, type CsvEncoding } from './open-csv.ts';

const ROWS = 200_000;

/**
 * A ~300-byte Spanish row with a quoted field holding `;` and a line break, so the parser works
 * for it. Made on the fly: the file never exists as a whole, in memory or on disk.
 */
function* generate(): Generator<Buffer> {
  yield Buffer.from('Nombre;Apellidos;Correo electrónico;Teléfono;Código postal;Notas\r\n', 'utf8');
  let batch: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const note = `"Cliente nº ${i}; pidió ¿presupuesto? ¡urgente! ${'ñáéíóú€'.repeat(20)}\r\nsegunda línea"`;
    batch.push(`María José ${i};García López;maria.${i}@ejemplo.es;+34 612 ${String(i).padStart(6, '0')};08001;${note}\r\n`);
    if (batch.length === 200) {
      yield Buffer.from(batch.join(''), 'utf8');
      batch = [];
    }
  }
  if (batch.length) yield Buffer.from(batch.join(''), 'utf8');
}

describe('R23: openCsv streams with flat memory', () => {
  // UTF-8 goes to csv-parse as it is; windows-1252 (Spanish Excel) is decoded and re-encoded.
  it.each<CsvEncoding>(['utf-8', 'windows-1252'])(`reads a generated ${ROWS.toLocaleString('en')}-row %s file with RSS growth under 64 MB`, async (encoding) => {
    let bytes = 0;
    const opened = await openCsv(() =>
      Readable.from(
        (function* () {
          for (const chunk of generate()) {
            // Each chunk holds whole rows, so encoding chunk by chunk is exact.
            const encoded = encoding === 'utf-8' ? chunk : iconv.encode(chunk.toString('utf8'), encoding);
            bytes += encoded.length;
            yield encoded;
          }
        })(),
      ),
    );
    expect(opened).toMatchObject({ encoding, delimiter: ';' });
    // Baseline before reading. The growth after the first 10,000 rows is printed too: most of
    // what is left is V8 sizing its young generation to the allocation rate, which does not
    // depend on the file's size (`--max-semi-space-size=2` removes most of it).
    const start = process.memoryUsage().rss;
    let baseline = Number.POSITIVE_INFINITY;
    let peak = start;
    let rows = 0;
    let errors = 0;
    // Also sample on a timer, so a spike between two records is seen too.
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    try {
      for await (const r of opened.records) {
        if ('error' in r) errors++;
        rows++;
        if (rows === 10_000) baseline = process.memoryUsage().rss;
        if (rows % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      }
    } finally {
      clearInterval(timer);
    }
    const mb = (n: number) => n / 2 ** 20;
    const growth = mb(peak - start);
    console.info(
      `rows ${rows}, errors ${errors}, streamed ${mb(bytes).toFixed(0)} MB, peak RSS growth ${growth.toFixed(1)} MB from the start, ${mb(peak - baseline).toFixed(1)} MB after 10k rows`,
    );
    expect(rows).toBe(ROWS);
    expect(errors).toBe(0);
    expect(mb(bytes)).toBeGreaterThan(encoding === 'utf-8' ? 64 : 40); // buffering the file (or its records, as strings) would break the bound
    expect(growth).toBeLessThan(64);
  }, 300_000);
});
