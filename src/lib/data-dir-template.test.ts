import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDeps, openAndMigrate } from '../deps.ts';
import { testConfig } from '../../test/harness.ts';
import { buildTemplate } from './data-dir-template.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('embedded database template', () => {
  it('seeds new data dirs that are fully migrated, each with its own secrets', { timeout: 120_000 }, async () => {
    await buildTemplate();
    const secrets: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'vixiees-tpl-'));
      dirs.push(dataDir);
      const config = testConfig({ databaseUrl: undefined, dataDir });
      const database = await openAndMigrate(config);
      const { rows } = await database.raw(`SELECT value FROM instance_secrets WHERE name = 'cursor_hmac'`, []);
      secrets.push(String(rows[0]!.value));
      // Usable straight away: a workspace and a contact.
      const deps = await makeDeps(config, database);
      const ws = await deps.services.workspaces.create({ name: 'Seeded' });
      expect(ws.workspace.defaultCountry).toBe('ES');
      await database.close();
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});
