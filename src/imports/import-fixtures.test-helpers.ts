import iconv from 'iconv-lite';

/** One multipart body with optional form fields and a file in `file`. */
export function multipart(file: { name: string; content: Buffer } | null, fields: Record<string, string> = {}) {
  const boundary = 'vixieesImportBoundary42';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export const SPANISH_HEADERS = ['Nombre', 'Apellidos', 'Correo electrónico', 'Teléfono', 'Empresa', 'Acepta marketing', 'Notas'];

/**
 * What Spanish Excel writes: Windows-1252, `;`, CRLF, a quoted field with a line break, two
 * surnames with accents, phones as people type them in five countries, one row with a bad email
 * (and a formula in a cell), one row repeating an earlier email, one row matching `existingEmail`.
 */
export function spanishFile(existingEmail: string): { content: Buffer; rows: number } {
  const rows = [
    ['Lucía', 'García López', 'lucia@example.es', '612 345 678', 'Acme Iberia', 'sí', '"Llamar por la mañana\r\nsegunda línea; con punto y coma"'],
    ['José María', 'Fernández Núñez', 'jm@example.es', '+34 699 111 222', 'Núñez y Cía', 'no', ''],
    ['Pierre', 'Dubois', 'pierre@example.fr', '+33 6 12 34 56 78', 'Société Générale', '', ''],
    ['Anna', 'Müller', 'anna@example.de', '+49 1512 3456789', 'Müller GmbH', '', ''],
    ['John', 'Smith', 'john@example.co.uk', '+44 7911 123456', 'Smith & Co', '', ''],
    ['Maria', 'Silva', 'maria@example.pt', '+351 912 345 678', 'Silva Lda', '', ''],
    ['Malo', 'Peña', 'esto-no-es-un-email', '', '=HYPERLINK("http://x")', '', ''],
    ['Lucía', 'García López', 'lucia@example.es', '', 'Acme Iberia SL', '', ''],
    ['Existente', 'Ibáñez Ortega', existingEmail, '', 'Nueva Empresa', '', ''],
  ];
  const text = [SPANISH_HEADERS.join(';'), ...rows.map((r) => r.join(';'))].join('\r\n') + '\r\n';
  return { content: iconv.encode(text, 'windows-1252'), rows: rows.length };
}

/** A plain UTF-8 file of `n` contacts (`prefix<i>@example.com`), with the rows in `bad` given a broken email. */
export function plainFile(n: number, prefix: string, bad: Set<number> = new Set()): Buffer {
  let text = 'First name,Last name,Email,Company\n';
  for (let i = 1; i <= n; i++) text += `Nombre${i},Apellido${i},${bad.has(i) ? 'not-an-email' : `${prefix}${i}@example.com`},Empresa ${i}\n`;
  return Buffer.from(text);
}
