import type { Db } from '../lib/db.ts';
import { notFound } from '../lib/errors.ts';
import { findWorkspace } from './workspaces.repo.ts';

export type WorkspaceSettings = { defaultCountry: string; timeZone: string; locale: string };

/**
 * Settings are read on every contact write (the phone country) and change rarely, so they are
 * kept a few seconds in memory. A change made through this process is seen at once; another
 * process sees it within TTL_MS.
 */
const TTL_MS = 5_000;
const cache = new Map<string, { settings: WorkspaceSettings; until: number }>();

export async function workspaceSettings(db: Db, workspaceId: string): Promise<WorkspaceSettings> {
  const hit = cache.get(workspaceId);
  if (hit && hit.until > Date.now()) return hit.settings;
  const ws = await findWorkspace(db, workspaceId);
  if (!ws) throw notFound('Workspace', workspaceId);
  const settings = { defaultCountry: ws.defaultCountry, timeZone: ws.timeZone, locale: ws.locale };
  cache.set(workspaceId, { settings, until: Date.now() + TTL_MS });
  return settings;
}

export function forgetWorkspaceSettings(workspaceId: string): void {
  cache.delete(workspaceId);
}
